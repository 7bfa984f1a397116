import type { ApprovalGroup } from '@/modules/decisions/decision.types';
import type { StoredRule } from '@/modules/decisions/compiled-policy-set';

export interface RuleRecord extends StoredRule {
  policyId: string;
  createdAt: Date;
}

/** The settings of a policy, without its rules. */
export interface PolicySettings {
  name: string;
  description: string | null;
  enabled: boolean;
  priority: number;
  maxDurationSeconds: number;
  defaultDurationSeconds: number | null;
  notificationChannel: string | null;
  approvalRequired: boolean;
  approvalGroups: ApprovalGroup[];
  purposeJustificationRequired: boolean;
  purposeJustificationPrompt: string | null;
  approvalTimeoutSeconds: number;
}

export interface PolicyRecord extends PolicySettings {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  /** In ordinal order. */
  rules: RuleRecord[];
}

export interface RuleView {
  id: string;
  ordinal: number;
  effect: string;
  policy_text: string;
  principal_scope_type: string;
  principal_entity_type: string | null;
  principal_entity_id: string | null;
  action_scope_type: string;
  action_ids: string[];
  resource_scope_type: string;
  resource_entity_type: string | null;
  resource_entity_id: string | null;
  conditions: string | null;
  notice: string | null;
  audit_session: boolean;
  created_at: string;
}

export interface PolicyView {
  id: string;
  name: string;
  description: string | null;
  enabled: boolean;
  priority: number;
  max_duration_seconds: number;
  default_duration_seconds: number | null;
  notification_channel: string | null;
  approval_required: boolean;
  approval_groups: ApprovalGroup[];
  purpose_justification_required: boolean;
  purpose_justification_prompt: string | null;
  approval_timeout_seconds: number;
  rules: RuleView[];
  cedar_policy_set: string;
  created_at: string;
  updated_at: string;
}

export function toRuleView(rule: RuleRecord): RuleView {
  return {
    id: rule.id,
    ordinal: rule.ordinal,
    effect: rule.effect,
    policy_text: rule.policyText,
    principal_scope_type: rule.principalScopeType,
    principal_entity_type: rule.principalEntityType,
    principal_entity_id: rule.principalEntityId,
    action_scope_type: rule.actionScopeType,
    action_ids: rule.actionIds,
    resource_scope_type: rule.resourceScopeType,
    resource_entity_type: rule.resourceEntityType,
    resource_entity_id: rule.resourceEntityId,
    conditions: rule.conditions,
    notice: rule.notice,
    audit_session: rule.auditSession,
    created_at: rule.createdAt.toISOString(),
  };
}

/** `cedar_policy_set` is the rules' texts in ordinal order. */
export function toPolicyView(policy: PolicyRecord): PolicyView {
  const rules = [...policy.rules].sort((a, b) => a.ordinal - b.ordinal);
  return {
    id: policy.id,
    name: policy.name,
    description: policy.description,
    enabled: policy.enabled,
    priority: policy.priority,
    max_duration_seconds: policy.maxDurationSeconds,
    default_duration_seconds: policy.defaultDurationSeconds,
    notification_channel: policy.notificationChannel,
    approval_required: policy.approvalRequired,
    approval_groups: policy.approvalGroups,
    purpose_justification_required: policy.purposeJustificationRequired,
    purpose_justification_prompt: policy.purposeJustificationPrompt,
    approval_timeout_seconds: policy.approvalTimeoutSeconds,
    rules: rules.map(toRuleView),
    cedar_policy_set: rules.map((rule) => rule.policyText).join('\n\n'),
    created_at: policy.createdAt.toISOString(),
    updated_at: policy.updatedAt.toISOString(),
  };
}
