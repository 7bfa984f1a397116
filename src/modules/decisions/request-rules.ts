import { invalidInput } from '@/common/errors/domain-error';
import type { GoverningPolicy } from './decision.types';

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

export function checkJustification(justification: string | undefined, policy: GoverningPolicy): void {
  if (policy.purposeJustificationRequired && (justification ?? '').trim() === '') {
    throw invalidInput('justification is required by the governing policy', {
      field: 'justification',
      prompt: policy.purposeJustificationPrompt ?? 'Why do you need this access?',
    });
  }
}

const RESERVED = ['duration_seconds', 'justification', 'requested_at'];

/** The Cedar context: the caller's keys, with the reserved ones always set by the service. */
export function buildContext(
  caller: Record<string, unknown> | undefined,
  durationSeconds: number,
  justification: string | undefined,
  requestedAt: Date,
): Record<string, unknown> {
  const own = Object.fromEntries(Object.entries(caller ?? {}).filter(([key]) => !RESERVED.includes(key)));
  return { ...own, duration_seconds: durationSeconds, justification: justification ?? '', requested_at: requestedAt.toISOString() };
}
