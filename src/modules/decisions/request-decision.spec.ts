import fc from 'fast-check';
import { DomainError } from '@/common/errors/domain-error';
import type { Decision, EvaluationRequest, GoverningPolicy } from './decision.types';
import { decideRequest, MAX_DEFAULT_CANDIDATES, MAX_DURATION_ROUNDS } from './request-decision';
import { isBlank } from './request-rules';
import { PLAIN_POLICY } from './spec-fixtures';

const policy = (id: string, defaultDurationSeconds: number | null, maxDurationSeconds = 86400): GoverningPolicy => ({
  id,
  name: id,
  ...PLAIN_POLICY,
  defaultDurationSeconds,
  maxDurationSeconds,
});
const decision = (governing: GoverningPolicy | null): Decision => ({
  decision: governing ? 'allow' : 'deny',
  policy: governing,
  determiningRuleIds: [],
  notices: [],
  auditSession: false,
  policySetVersion: 1n,
  evaluationErrors: [],
});
const input = { principal: { type: 'User', id: 'a' }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Host', id: 'h' }, requestedAt: new Date(0) };

describe('decideRequest without a duration, denied at 0 s', () => {
  // One permit that needs `context.duration_seconds >= 60`, default 3600 s; another policy with default 30 s.
  const needsAMinute = policy('needs-a-minute', 3600);
  const evaluate = async (request: EvaluationRequest) => decision((request.context.duration_seconds as number) >= 60 ? needsAMinute : null);

  it('tries the tenant\'s policy defaults and grants at the smallest one Cedar allows under a policy with that default', async () => {
    const result = await decideRequest(evaluate, input, async () => [30, 3600, 7200]);
    expect(result).toMatchObject({ durationSeconds: 3600, decision: { decision: 'allow', policy: { id: 'needs-a-minute' } } });
  });

  it('stays denied when no default is such a fixed point (fails closed)', async () => {
    expect((await decideRequest(evaluate, input, async () => [30, 7200])).decision.decision).toBe('deny');
    expect((await decideRequest(evaluate, input)).decision.decision).toBe('deny');
  });
});

describe('decideRequest: the duration granted is one Cedar decided on (property)', () => {
  it('returns an allow only at a duration that was evaluated and that the governing policy gives, else deny or 400', async () => {
    // A "policy set" as a function of the duration: bands of durations, each governed by a policy or denied.
    const band = fc.record({ upTo: fc.integer({ min: 0, max: 100_000 }), policy: fc.option(fc.integer({ min: 0, max: 4 }), { nil: null }) });
    const defaults = fc.array(fc.option(fc.integer({ min: 1, max: 90_000 }), { nil: null }), { minLength: 5, maxLength: 5 });
    await fc.assert(
      fc.asyncProperty(fc.array(band, { minLength: 1, maxLength: 6 }), defaults, fc.option(fc.integer({ min: 1, max: 90_000 }), { nil: undefined }), async (bands, defaultsOf, requested) => {
        const policies = defaultsOf.map((d, i) => policy(`p${i}`, d));
        const sorted = [...bands].sort((a, b) => a.upTo - b.upTo);
        const evaluated: number[] = [];
        const evaluate = async (request: EvaluationRequest) => {
          const duration = request.context.duration_seconds as number;
          evaluated.push(duration);
          const chosen = sorted.find((b) => duration <= b.upTo) ?? sorted[sorted.length - 1];
          return decision(chosen.policy === null ? null : policies[chosen.policy]);
        };
        try {
          const defaults = async () => [...new Set(policies.map((p) => p.defaultDurationSeconds ?? p.maxDurationSeconds))].sort((a, b) => a - b);
          const result = await decideRequest(evaluate, { ...input, durationSeconds: requested }, defaults);
          expect(evaluated).toContain(result.durationSeconds);
          expect(evaluated.length).toBeLessThanOrEqual(MAX_DURATION_ROUNDS + 1 + MAX_DEFAULT_CANDIDATES);
          const last = await evaluate({ ...input, context: { duration_seconds: result.durationSeconds } });
          expect(last.decision).toBe(result.decision.decision);
          if (result.decision.decision === 'allow' && requested === undefined) {
            const governing = result.decision.policy as GoverningPolicy;
            expect(governing.defaultDurationSeconds ?? governing.maxDurationSeconds).toBe(result.durationSeconds);
          }
          if (requested !== undefined) expect(result.durationSeconds).toBe(requested);
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          expect(Object.keys((error as DomainError).details?.fields as object)).toEqual(['duration_seconds']);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('isBlank', () => {
  it.each(['', ' ', '\u200b', '\u3164', '\u2800', '\ufe0f', '\u00ad', '\u202e', '\u061c', '\u180e', '\u{e0041}', '\ud800', '\u115f\u1160'])('%j is blank', (text) => {
    expect(isBlank(text)).toBe(true);
  });
  it.each(['a', ' x ', '\u200bINC-1', '\u00e9', '\u{1f512}', '-'])('%j is not', (text) => {
    expect(isBlank(text)).toBe(false);
  });
});
