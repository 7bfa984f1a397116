import type { Decision, GoverningPolicy } from '@/infra/cedar/decision.types';
import { invalidInput } from '@/common/errors/domain-error';

const RESERVED = ['duration_seconds', 'justification', 'requested_at'];

/** The Cedar context of a request: the caller's keys, with the ones the service always sets. */
export function requestContext(caller: Record<string, unknown> | undefined, durationSeconds: number, justification: string | undefined, requestedAt: Date): Record<string, unknown> {
  const own = Object.fromEntries(Object.entries(caller ?? {}).filter(([key]) => !RESERVED.includes(key)));
  return { ...own, duration_seconds: durationSeconds, justification: justification ?? '', requested_at: requestedAt.toISOString() };
}

/** Requested duration, else the policy's default, else its maximum; above the maximum is refused, never clamped. */
export function effectiveDuration(requested: number | undefined, policy: GoverningPolicy): number {
  const duration = requested ?? policy.defaultDurationSeconds ?? policy.maxDurationSeconds;
  if (duration > policy.maxDurationSeconds) {
    throw invalidInput(`duration_seconds exceeds the policy maximum of ${policy.maxDurationSeconds}`, {
      field: 'duration_seconds',
      max_duration_seconds: policy.maxDurationSeconds,
    });
  }
  return duration;
}

export interface SimulationView {
  decision: 'allow' | 'deny';
  policy_id: string | null;
  determining_rule_ids: string[];
  notices: string[];
  duration_seconds: number | null;
  approval_required: boolean;
}

export function toSimulationView(decision: Decision, durationSeconds: number | null): SimulationView {
  return {
    decision: decision.decision,
    policy_id: decision.policy?.id ?? null,
    determining_rule_ids: decision.determiningRuleIds,
    notices: decision.notices,
    duration_seconds: durationSeconds,
    approval_required: decision.policy?.approvalRequired ?? false,
  };
}
