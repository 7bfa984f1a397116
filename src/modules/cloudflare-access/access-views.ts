import type { ApprovalGroup } from '@/modules/decisions/decision.types';
import type { AccessAppRecord, AccessGroupRecord, AccessPolicyRecord, AttachmentRecord } from './access.types';
import { DEFAULT_SESSION, ruleText } from './access-rules';
import type { Selector } from './selector-checks';

export interface GroupView {
  id: string;
  name: string;
  include: Selector[];
  exclude: Selector[];
  require: Selector[];
  is_default: boolean;
  created_at: string;
  updated_at: string;
}

export const toGroupView = (group: AccessGroupRecord): GroupView => ({
  id: group.id,
  name: group.name,
  include: group.include,
  exclude: group.exclude,
  require: group.require,
  is_default: group.isDefault,
  created_at: group.createdAt.toISOString(),
  updated_at: group.updatedAt.toISOString(),
});

/** A policy's documented fields; a view also carries the body's other Cloudflare fields as given. */
export interface PolicyFields {
  id: string;
  name: string;
  decision: string;
  include: Selector[];
  exclude: Selector[];
  require: Selector[];
  precedence?: number;
  session_duration: string;
  approval_required: boolean;
  approval_groups: ApprovalGroup[];
  purpose_justification_required: boolean;
  purpose_justification_prompt: string | null;
  isolation_required: boolean;
  reusable: boolean;
  app_count?: number;
  /** The Cedar the policy is decided by: one rule per application it applies to. */
  cedar_policy_set: string;
  /** The compiled `when` clause shared by those rules. */
  cedar_conditions: string;
  created_at: string;
  updated_at: string;
}

export interface PolicyView extends PolicyFields {
  [extra: string]: unknown;
}

/**
 * A policy as Cloudflare shows it, plus its Cedar. `precedence` is the one on the application asked about;
 * `attachments` are every application it applies to; `owner` is the app of an app-scoped policy.
 */
export function toPolicyView(policy: AccessPolicyRecord, attachments: AttachmentRecord[], options: { precedence?: number; owner?: AccessAppRecord; appCount?: boolean } = {}): PolicyView {
  return {
    id: policy.id,
    name: policy.name,
    decision: policy.decision,
    include: policy.include,
    exclude: policy.exclude,
    require: policy.require,
    ...(options.precedence !== undefined && { precedence: options.precedence }),
    session_duration: policy.sessionDuration ?? options.owner?.sessionDuration ?? DEFAULT_SESSION,
    approval_required: policy.approvalRequired,
    approval_groups: policy.approvalGroups,
    purpose_justification_required: policy.purposeJustificationRequired,
    purpose_justification_prompt: policy.purposeJustificationPrompt,
    isolation_required: policy.isolationRequired,
    ...policy.extra,
    reusable: policy.ownerAppId === null,
    ...(options.appCount && { app_count: attachments.length }),
    cedar_policy_set: attachments.map((a) => ruleText(a, policy)).join('\n\n'),
    cedar_conditions: policy.cedarConditions,
    created_at: policy.createdAt.toISOString(),
    updated_at: policy.updatedAt.toISOString(),
  };
}

/** An application's documented fields; a view also carries the body's other Cloudflare fields as given. */
export interface AppFields {
  id: string;
  name: string;
  domain: string;
  type: string;
  session_duration: string;
  policies: PolicyFields[];
  created_at: string;
  updated_at: string;
}

export interface AppView extends AppFields {
  policies: PolicyView[];
  [extra: string]: unknown;
}

/** An application with its policies in Cloudflare's order of precedence. */
export function toAppView(app: AccessAppRecord, policies: { policy: AccessPolicyRecord; attachment: AttachmentRecord; all: AttachmentRecord[] }[]): AppView {
  return {
    id: app.id,
    name: app.name,
    domain: app.domain,
    type: app.type,
    session_duration: app.sessionDuration,
    ...app.extra,
    policies: policies.map((p) => toPolicyView(p.policy, p.all, { precedence: p.attachment.precedence, owner: p.policy.ownerAppId ? app : undefined })),
    created_at: app.createdAt.toISOString(),
    updated_at: app.updatedAt.toISOString(),
  };
}
