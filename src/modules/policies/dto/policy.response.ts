import type { PolicyView, RuleView } from '@/modules/policies/policy.types';

/** One Cedar rule of a policy, with its parsed scope. */
export class RuleResponse implements RuleView {
  id!: string;
  ordinal!: number;
  /** `permit` or `forbid`. */
  effect!: string;
  policy_text!: string;
  principal_scope_type!: string;
  principal_entity_type!: string | null;
  principal_entity_id!: string | null;
  action_scope_type!: string;
  action_ids!: string[];
  resource_scope_type!: string;
  resource_entity_type!: string | null;
  resource_entity_id!: string | null;
  conditions!: string | null;
  notice!: string | null;
  audit_session!: boolean;
  created_at!: string;
}

/** `approvals_needed` approvals from the addresses and/or the email list. */
export class ApprovalGroupResponse {
  approvals_needed!: number;
  email_addresses!: string[];
  email_list_uuid!: string | null;
}

/** A policy with its rules; `cedar_policy_set` is the rules' texts in ordinal order. */
export class PolicyResponse implements PolicyView {
  id!: string;
  name!: string;
  description!: string | null;
  enabled!: boolean;
  priority!: number;
  max_duration_seconds!: number;
  default_duration_seconds!: number | null;
  notification_channel!: string | null;
  approval_required!: boolean;
  approval_groups!: ApprovalGroupResponse[];
  purpose_justification_required!: boolean;
  purpose_justification_prompt!: string | null;
  approval_timeout_seconds!: number;
  rules!: RuleResponse[];
  cedar_policy_set!: string;
  created_at!: string;
  updated_at!: string;
}

export class PolicyPageResponse {
  data!: PolicyResponse[];
  next_cursor!: string | null;
}
