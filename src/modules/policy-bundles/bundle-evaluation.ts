import { DomainError } from '@/common/errors/domain-error';
import type { EntityUid } from '@/infra/cedar/cedar-types';
import { PreparsedSlots } from '@/infra/cedar/preparsed-sets';
import { GrantApprovalGroup, snapshotGroups } from '@/modules/decisions/approval-groups';
import { CompiledPolicySet, EngineSlots } from '@/modules/decisions/compiled-policy-set';
import type { Decision } from '@/modules/decisions/decision.types';
import { decideRequest, RequestInput } from '@/modules/decisions/request-decision';
import { canonicalJson } from '@/modules/audit/audit-chain';
import type { ImpactRow } from '@/modules/grants/grants.repository';
import type { ParsedTest } from './bundle.types';
import type { Draft } from './bundle-draft';

/** An active grant or a pending request, as the impact reads it. */
export type ImpactCandidate = ImpactRow;

export interface TestResult {
  name: string;
  passed: boolean;
  decision: 'allow' | 'deny';
  approval_required: boolean;
  policy: string | null;
  notices: string[];
}

export interface DeniedGrant {
  grant_id: string;
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  determining_rule_ids: string[];
  notices: string[];
}

export interface Impact {
  active_denied: DeniedGrant[];
  pending_denied: DeniedGrant[];
  pending_rerouted: { grant_id: string; approval_groups: GrantApprovalGroup[] }[];
}

/** Draft sets get their own WASM slots, so that plans never evict the live sets decisions use. */
const slots: EngineSlots = {
  policies: new PreparsedSlots('policies', 4096, `jit-draft-policies-${process.pid}-`),
  schemas: new PreparsedSlots('schema', 16, `jit-draft-schema-${process.pid}-`),
};

/** A refusal the live path would answer with 400 (duration above the maximum): the draft would not allow it. */
interface Outcome {
  decision: Decision | null;
  refusal: string | null;
}

/**
 * Evaluates would-be requests against the draft with the same code as live decisions (CompiledPolicySet and
 * decideRequest). Identical requests are decided once.
 */
export class DraftEvaluator {
  private readonly memo = new Map<string, Outcome>();
  /** When no rule reads `requested_at`, requests that differ only in their time are the same decision. */
  private readonly timeMatters: boolean;

  constructor(
    private readonly compiled: CompiledPolicySet,
    ruleTexts: string[],
  ) {
    this.timeMatters = ruleTexts.some((text) => text.includes('requested_at'));
  }

  async decide(input: RequestInput): Promise<Outcome> {
    const key = this.keyOf(input);
    const hit = this.memo.get(key);
    if (hit) return hit;
    let outcome: Outcome;
    try {
      outcome = { decision: (await decideRequest((request) => Promise.resolve(this.compiled.evaluate(request, slots)), input, () => Promise.resolve(this.compiled.defaultDurations))).decision, refusal: null };
    } catch (error) {
      if (!(error instanceof DomainError) || error.code !== 'invalid_input') throw error;
      outcome = { decision: null, refusal: [error.message, ...(error.notices ?? [])].join(': ') };
    }
    this.memo.set(key, outcome);
    return outcome;
  }

  /** What the decision depends on (a grant's context is most often empty: no canonical form to compute). */
  private keyOf(input: RequestInput): string {
    const { principal: p, action: a, resource: r, context } = input;
    const contextKey = context === undefined ? null : Object.keys(context).length === 0 ? '{}' : canonicalJson(context);
    const at = this.timeMatters ? input.requestedAt.toISOString() : null;
    return JSON.stringify([p.type, p.id, a.type, a.id, r.type, r.id, input.durationSeconds ?? null, input.justification ?? null, at, contextKey, input.extension ?? false, input.enforceJustification ?? true, input.enforceMaximum ?? true, input.identity ?? null]);
  }
}

/** PRODUCT.md section 17: each expectation against the draft, with what decided it. */
export async function runTests(evaluator: DraftEvaluator, tests: ParsedTest[], policyNames: Map<string, string>): Promise<TestResult[]> {
  const results: TestResult[] = [];
  for (const test of tests) {
    const { decision, refusal } = await evaluator.decide({
      principal: test.principal,
      action: test.action,
      resource: test.resource,
      context: test.context,
      durationSeconds: test.durationSeconds,
      requestedAt: new Date(),
      enforceJustification: false,
    });
    const allowed = decision?.decision === 'allow';
    const approval = allowed && (decision?.policy?.approvalRequired ?? false);
    const policy = decision?.policy ? policyNames.get(decision.policy.id) ?? decision.policy.name : null;
    const outcome = !allowed ? 'deny' : approval ? 'approval_required' : 'allow';
    results.push({
      name: test.name,
      passed: outcome === test.expect && (test.policy === undefined || test.policy === policy),
      decision: allowed ? 'allow' : 'deny',
      approval_required: approval,
      policy,
      notices: [...(decision?.notices ?? []), ...(refusal ? [refusal] : [])],
    });
  }
  return results;
}

const sameGroups = (a: GrantApprovalGroup[], b: GrantApprovalGroup[]): boolean =>
  canonicalJson(a.map((g) => ({ n: g.approvals_needed, m: [...g.members].sort() }))) === canonicalJson(b.map((g) => ({ n: g.approvals_needed, m: [...g.members].sort() })));

/**
 * Every active grant the draft would deny, every pending request it would deny or route to other approvers. A
 * grant is decided as it was requested (context, justification, duration, request time). A pending request whose
 * policy the bundle removes or disables is denied (PRODUCT.md section 14), whatever the draft says.
 */
export async function computeImpact(evaluator: DraftEvaluator, draft: Draft, pages: AsyncIterable<ImpactCandidate[]>): Promise<Impact> {
  const impact: Impact = { active_denied: [], pending_denied: [], pending_rerouted: [] };
  const lists = new Map(draft.lists.map((list) => [list.id, list.emails]));
  const enabled = new Set(draft.policies.filter((p) => p.settings.enabled).map((p) => p.id));
  for await (const page of pages) {
    for (const grant of page) {
      const { decision, refusal } = await evaluator.decide({
        principal: grant.principal,
        action: grant.action,
        resource: grant.resource,
        context: grant.context,
        durationSeconds: grant.durationSeconds,
        justification: grant.justification,
        requestedAt: grant.createdAt,
        enforceJustification: false,
      });
      const denied = (notices: string[], ruleIds: string[]): DeniedGrant => ({
        grant_id: grant.id,
        principal: grant.principal,
        action: grant.action,
        resource: grant.resource,
        determining_rule_ids: ruleIds,
        notices,
      });
      const policyGone = grant.status === 'pending_approval' && grant.policyId !== null && !enabled.has(grant.policyId);
      if (!decision || decision.decision === 'deny' || policyGone) {
        const notices = refusal ? [refusal] : policyGone ? ['the policy of this request is removed or disabled by the bundle', ...(decision?.notices ?? [])] : (decision?.notices ?? []);
        (grant.status === 'active' ? impact.active_denied : impact.pending_denied).push(denied(notices, decision?.decision === 'deny' ? decision.determiningRuleIds : []));
        continue;
      }
      if (grant.status !== 'pending_approval' || !decision.policy) continue;
      const groups = decision.policy.approvalRequired ? snapshotGroups(decision.policy.approvalGroups, lists) : [];
      if (!sameGroups(groups, grant.approvalGroups)) impact.pending_rerouted.push({ grant_id: grant.id, approval_groups: groups });
    }
  }
  return impact;
}
