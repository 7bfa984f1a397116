import { Decision, evaluationErrorsView } from '@/modules/decisions/decision.types';

export interface SimulationView {
  decision: 'allow' | 'deny';
  policy_id: string | null;
  determining_rule_ids: string[];
  notices: string[];
  duration_seconds: number | null;
  approval_required: boolean;
  /** Rules Cedar could not evaluate: a forbid among them denied, a permit permitted nothing. */
  evaluation_errors: ReturnType<typeof evaluationErrorsView>;
  /** The governing policy's form rules, so a portal can render the request form (null fields when denied). */
  purpose_justification_required: boolean;
  purpose_justification_prompt: string | null;
  max_duration_seconds: number | null;
  default_duration_seconds: number | null;
  /** Approval groups of the governing policy when it needs approval: approvals needed and members (lists resolved now). */
  approval_groups: { approvals_needed: number; members_count: number }[];
}

export function toSimulationView(decision: Decision, durationSeconds: number | null, approvalGroups: SimulationView['approval_groups'] = []): SimulationView {
  return {
    decision: decision.decision,
    policy_id: decision.policy?.id ?? null,
    determining_rule_ids: decision.determiningRuleIds,
    notices: decision.notices,
    duration_seconds: durationSeconds,
    approval_required: decision.policy?.approvalRequired ?? false,
    evaluation_errors: evaluationErrorsView(decision.evaluationErrors),
    purpose_justification_required: decision.policy?.purposeJustificationRequired ?? false,
    purpose_justification_prompt: decision.policy?.purposeJustificationPrompt ?? null,
    max_duration_seconds: decision.policy?.maxDurationSeconds ?? null,
    default_duration_seconds: decision.policy?.defaultDurationSeconds ?? null,
    approval_groups: approvalGroups,
  };
}
