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
}

export function toSimulationView(decision: Decision, durationSeconds: number | null): SimulationView {
  return {
    decision: decision.decision,
    policy_id: decision.policy?.id ?? null,
    determining_rule_ids: decision.determiningRuleIds,
    notices: decision.notices,
    duration_seconds: durationSeconds,
    approval_required: decision.policy?.approvalRequired ?? false,
    evaluation_errors: evaluationErrorsView(decision.evaluationErrors),
  };
}
