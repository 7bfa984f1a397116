import { assembleRuleText, RuleScopes } from '@/infra/cedar/rule-scope';
import type { StoredPolicy, StoredRule } from '@/modules/decisions/compiled-policy-set';
import type { AccessAppRecord, AccessPolicyRecord, AttachmentRecord } from './access.types';
import { parseGoDuration } from './go-duration';

/**
 * Priority of an application's first policy in the engine's tiers. /v1 priorities lie within ±1,000,000, so every
 * Cloudflare-style policy sits below every /v1 policy; an app's n-th policy (in Cloudflare's order) is BASE - n.
 */
export const ACCESS_PRIORITY_BASE = -2_000_000;
/** Cloudflare's default session when neither the policy nor its application sets one. */
export const DEFAULT_SESSION = '24h';
const APPROVAL_TIMEOUT_SECONDS = 86_400;

export const ACCESS_ACTION = { type: 'Action', id: 'access' } as const;

const scopes = (appId: string): RuleScopes => ({
  principal: { kind: 'any' },
  action: { kind: 'eq', uid: ACCESS_ACTION },
  resource: { kind: 'eq', uid: { type: 'App', id: appId } },
});

/** The Cedar text one policy becomes on one application: `@id("<attachment id>")`, permit or forbid. */
export function ruleText(attachment: AttachmentRecord, policy: AccessPolicyRecord): string {
  return assembleRuleText(attachment.id, policy.decision === 'deny' ? 'forbid' : 'permit', scopes(attachment.appId), policy.cedarConditions);
}

/** The Cedar rule a policy's conditions become on any application: what schema validation looks at (types only). */
export function probeRuleText(decision: AccessPolicyRecord['decision'], conditions: string): string {
  return assembleRuleText('probe', decision === 'deny' ? 'forbid' : 'permit', scopes('probe'), conditions);
}

/** bypass and non_identity first, then allow and deny, each by ascending precedence (Cloudflare's order). */
export function cloudflareOrder(attachments: AttachmentRecord[], policies: ReadonlyMap<string, AccessPolicyRecord>): AttachmentRecord[] {
  const first = (a: AttachmentRecord) => (['bypass', 'non_identity'].includes(policies.get(a.policyId)?.decision ?? '') ? 0 : 1);
  return [...attachments].sort((a, b) => first(a) - first(b) || a.precedence - b.precedence);
}

/** Whole seconds of the session a policy grants: its own session_duration, else its owning app's, else 24h. */
export function sessionSeconds(policy: AccessPolicyRecord, owner: AccessAppRecord | undefined): number {
  const parsed = parseGoDuration(policy.sessionDuration ?? owner?.sessionDuration ?? DEFAULT_SESSION);
  return 'seconds' in parsed ? parsed.seconds : 86_400;
}

/**
 * The engine's view of a tenant's Cloudflare-style policies (PRODUCT.md section 15): one StoredPolicy per policy
 * and application, in a tier of its own whose rank is the policy's place in Cloudflare's order on that application,
 * so the first matching policy decides; nothing matching leaves the decision to no tier (deny). `allow` governs
 * with the policy's approval settings and session; `bypass` and `non_identity` allow without approval; `deny` is
 * a forbid whose notice is the policy's name.
 */
export function storedPolicies(apps: AccessAppRecord[], policies: AccessPolicyRecord[], attachments: AttachmentRecord[]): StoredPolicy[] {
  const byId = new Map(policies.map((p) => [p.id, p]));
  const appsById = new Map(apps.map((a) => [a.id, a]));
  const out: StoredPolicy[] = [];
  for (const app of apps) {
    const ordered = cloudflareOrder(attachments.filter((a) => a.appId === app.id && byId.has(a.policyId)), byId);
    ordered.forEach((attachment, rank) => {
      const policy = byId.get(attachment.policyId) as AccessPolicyRecord;
      const seconds = sessionSeconds(policy, policy.ownerAppId ? appsById.get(policy.ownerAppId) : undefined);
      const rule: StoredRule = {
        id: attachment.id,
        ordinal: 0,
        policyText: ruleText(attachment, policy),
        notice: policy.decision === 'deny' ? policy.name : null,
        auditSession: true,
        effect: policy.decision === 'deny' ? 'forbid' : 'permit',
        principalScopeType: 'any',
        principalEntityType: null,
        principalEntityId: null,
        actionScopeType: 'eq',
        actionIds: [ACCESS_ACTION.id],
        resourceScopeType: 'eq',
        resourceEntityType: 'App',
        resourceEntityId: app.id,
        conditions: policy.cedarConditions,
      };
      const approval = policy.decision === 'allow' && policy.approvalRequired;
      out.push({
        id: policy.id,
        name: policy.name,
        priority: ACCESS_PRIORITY_BASE - rank,
        maxDurationSeconds: seconds,
        defaultDurationSeconds: seconds,
        notificationChannel: null,
        approvalRequired: approval,
        approvalGroups: approval ? policy.approvalGroups : [],
        purposeJustificationRequired: policy.decision === 'allow' && policy.purposeJustificationRequired,
        purposeJustificationPrompt: policy.purposeJustificationPrompt,
        approvalTimeoutSeconds: APPROVAL_TIMEOUT_SECONDS,
        createdAt: policy.createdAt,
        rules: [rule],
      });
    });
  }
  return out;
}
