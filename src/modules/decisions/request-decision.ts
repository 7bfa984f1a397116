import type { EntityUid } from '@/infra/cedar/cedar-types';
import { invalidInput } from '@/common/errors/domain-error';
import type { Decision, EvaluationRequest } from './decision.types';
import { identityContext, isPerson, RequestIdentity } from './person-entity';
import { buildContext, checkJustification, effectiveDuration } from './request-rules';

/** A would-be grant, activation or extension as the requester states it. */
export interface RequestInput {
  principal: EntityUid;
  action: EntityUid;
  resource: EntityUid;
  /** The caller's own Cedar context; reserved keys are set by the service. */
  context?: Record<string, unknown>;
  /** Seconds; without it the governing policy's default (else its maximum) applies, found by iteration. */
  durationSeconds?: number;
  justification?: string | null;
  requestedAt: Date;
  /** An extension: `durationSeconds` is the new total and the context carries `extension: true`. */
  extension?: boolean;
  /** False for simulations, which report the governing policy's rule instead of refusing (default true). */
  enforceJustification?: boolean;
  /** False when the caller checks the maximum itself (extensions combine it with the grant's own); default true. */
  enforceMaximum?: boolean;
  /** The signed-in requester (PRODUCT.md section 16); applies when the principal is `User::"<their email>"`. */
  identity?: RequestIdentity | null;
}

/** The decision and exactly the duration (seconds) Cedar saw when it made it. */
export interface RequestDecision {
  decision: Decision;
  durationSeconds: number;
}

/** Evaluations of a request without a duration before giving up on a default everyone agrees on. */
export const MAX_DURATION_ROUNDS = 4;

/** Policy defaults tried when a request without a duration is denied at 0 s (the smallest first). */
export const MAX_DEFAULT_CANDIDATES = 8;

/**
 * PRODUCT.md sections 5 and 14: the decision for a request, with the duration it will get. Without a requested
 * duration the governing policy's default applies, but which policy governs can depend on the duration (conditions
 * read `context.duration_seconds`): the request is evaluated at 0 s to find a first governing policy, then at that
 * policy's default until the governing policy's default is the duration evaluated (a fixed point), so the stored
 * duration is always one Cedar decided on. Denied at 0 s, the tenant's policy defaults (`defaultDurations`, seconds,
 * ascending) are tried and the smallest that is such a fixed point wins; none is: the 0 s deny. No fixed point within
 * MAX_DURATION_ROUNDS: `400 invalid_input` asking for `duration_seconds`. An allow is also checked against the
 * governing policy's maximum and justification rule.
 */
export async function decideRequest(
  evaluate: (request: EvaluationRequest) => Promise<Decision>,
  input: RequestInput,
  defaultDurations: () => Promise<number[]> = () => Promise.resolve([]),
): Promise<RequestDecision> {
  const identity = isPerson(input.principal, input.identity) ? input.identity : null;
  const at = (durationSeconds: number) =>
    evaluate({
      principal: input.principal,
      action: input.action,
      resource: input.resource,
      context: buildContext(input.context, durationSeconds, input.justification, input.requestedAt, input.extension, identity && identityContext(identity)),
      identity,
    });
  const allowed = (decision: Decision, durationSeconds: number): RequestDecision => {
    if (decision.policy) {
      if (input.enforceMaximum !== false) effectiveDuration(durationSeconds, decision.policy);
      if (input.enforceJustification !== false) checkJustification(input.justification, decision.policy);
    }
    return { decision, durationSeconds };
  };
  if (input.durationSeconds !== undefined) {
    const decision = await at(input.durationSeconds);
    return decision.decision === 'allow' ? allowed(decision, input.durationSeconds) : { decision, durationSeconds: input.durationSeconds };
  }
  let durationSeconds = 0;
  let decision = await at(durationSeconds);
  if (decision.decision === 'deny') {
    // A permit may need a duration (`context.duration_seconds >= 60`) that 0 s does not have: a policy default d
    // that Cedar allows at d under a policy whose own default is d is the fixed point the loop below would find.
    for (const candidate of (await defaultDurations()).filter((d) => d > 0).slice(0, MAX_DEFAULT_CANDIDATES)) {
      const tried = await at(candidate);
      if (tried.decision === 'allow' && tried.policy && (tried.policy.defaultDurationSeconds ?? tried.policy.maxDurationSeconds) === candidate) return allowed(tried, candidate);
    }
    return { decision, durationSeconds };
  }
  const tried: number[] = [];
  for (;;) {
    if (decision.decision === 'deny' || !decision.policy) return { decision, durationSeconds };
    const next = effectiveDuration(undefined, decision.policy);
    if (next === durationSeconds) return allowed(decision, durationSeconds);
    if (tried.length === MAX_DURATION_ROUNDS) {
      throw invalidInput('duration_seconds is required: the policies that would govern this request disagree on its default duration', {
        field: 'duration_seconds',
        tried_durations_seconds: tried,
      });
    }
    tried.push(next);
    durationSeconds = next;
    decision = await at(durationSeconds);
  }
}
