import { decideAcrossTiers, decideTiers, PolicyInfo, RuleInfo, TierAnswer } from './tiers';
import { PLAIN_POLICY } from './spec-fixtures';

const policy = (id: string, createdAt: string): PolicyInfo => ({
  id,
  name: id,
  createdAt: new Date(createdAt),
  ...PLAIN_POLICY,
});
const policies = new Map([
  ['old', policy('old', '2026-01-01T00:00:00Z')],
  ['new', policy('new', '2026-02-01T00:00:00Z')],
]);
const rule = (id: string, policyId: string, effect: 'permit' | 'forbid', order: number, extra: Partial<RuleInfo> = {}): RuleInfo => ({
  id,
  policyId,
  effect,
  notice: `${id} notice`,
  auditSession: false,
  order,
  ...extra,
});
const rules = new Map(
  [
    rule('p-old', 'old', 'permit', 2, { auditSession: true }),
    rule('p-old-2', 'old', 'permit', 1, { notice: null }),
    rule('p-new', 'new', 'permit', 0),
    rule('f-new', 'new', 'forbid', 3),
    rule('f-old', 'old', 'forbid', 4),
  ].map((r) => [r.id, r]),
);

describe('decideTiers', () => {
  it('lets the first tier with a satisfied rule decide and evaluates no further', () => {
    let asked = 0;
    function* answers(): Generator<TierAnswer> {
      asked += 1;
      yield { decision: 'deny', reasons: [], errors: [{ ruleId: 'p-old-2', message: 'error in an undecided tier' }] };
      asked += 1;
      yield { decision: 'allow', reasons: ['p-new'], errors: [] };
      asked += 1;
      yield { decision: 'deny', reasons: ['f-old'], errors: [] };
    }
    const decision = decideTiers(answers(), rules, policies, 7n);
    expect(asked).toBe(2);
    expect(decision).toMatchObject({ decision: 'allow', determiningRuleIds: ['p-new'], policySetVersion: 7n });
    expect(decision.policy?.id).toBe('new');
    expect(decision.policy).not.toHaveProperty('createdAt');
    expect(decision.evaluationErrors).toEqual([{ ruleId: 'p-old-2', policyId: 'old', effect: 'permit', message: 'error in an undecided tier' }]);
    expect(decision.notices).toEqual(['p-new notice', 'Permit rule p-old-2 could not be evaluated (error in an undecided tier); it permits nothing']);
  });

  it('denies with the satisfied forbids and their notices', () => {
    const decision = decideTiers([{ decision: 'deny', reasons: ['f-old', 'f-new'], errors: [] }], rules, policies, 1n);
    expect(decision).toEqual({
      decision: 'deny',
      policy: null,
      determiningRuleIds: ['f-new', 'f-old'],
      notices: ['f-new notice', 'f-old notice'],
      auditSession: false,
      policySetVersion: 1n,
      evaluationErrors: [],
    });
  });

  it('gives an allow to the oldest policy owning a satisfied permit, with only its permits', () => {
    const decision = decideTiers([{ decision: 'allow', reasons: ['p-new', 'p-old', 'p-old-2'], errors: [] }], rules, policies, 1n);
    expect(decision.policy?.id).toBe('old');
    expect(decision.determiningRuleIds).toEqual(['p-old-2', 'p-old']);
    expect(decision.notices).toEqual(['p-old notice']);
    expect(decision.auditSession).toBe(true);
  });

  it('denies with no rules when no tier decides', () => {
    const decision = decideTiers([{ decision: 'deny', reasons: [], errors: [] }], rules, policies, 3n);
    expect(decision).toMatchObject({ decision: 'deny', policy: null, determiningRuleIds: [], notices: [] });
    expect(decideTiers([], rules, policies, 0n).decision).toBe('deny');
  });
});

describe('decideAcrossTiers', () => {
  /** Cedar over a set of rules: forbid wins; the reason lists every satisfied rule of the winning effect. */
  /** Cedar over a set of rules: erroring rules are skipped and listed; forbid wins; reasons list the winning effect. */
  const cedarOver = (satisfied: Set<string>, effects: Map<string, 'permit' | 'forbid'>, erroring = new Set<string>()) => (ids: string[]): TierAnswer => {
    const errors = ids.filter((id) => erroring.has(id)).map((ruleId) => ({ ruleId, message: 'boom' }));
    const hit = ids.filter((id) => satisfied.has(id) && !erroring.has(id));
    const forbids = hit.filter((id) => effects.get(id) === 'forbid');
    if (forbids.length > 0) return { decision: 'deny', reasons: forbids, errors };
    return { decision: hit.length > 0 ? 'allow' : 'deny', reasons: hit, errors };
  };

  it('decides exactly like tier-by-tier evaluation, in at most two calls', () => {
    let seed = 3;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 2000; round += 1) {
      const ids = Array.from({ length: 12 }, (_x, i) => `r${i}`);
      const tierOf = new Map(ids.map((id) => [id, Math.floor(Number(id.slice(1)) / 4)]));
      const effects = new Map(ids.map((id) => [id, random(3) === 0 ? ('forbid' as const) : ('permit' as const)]));
      const ruleInfos = new Map(ids.map((id, order) => [id, rule(id, order % 2 ? 'old' : 'new', effects.get(id) as 'permit' | 'forbid', order)]));
      const candidates = ids.filter(() => random(3) > 0);
      const satisfied = new Set(candidates.filter(() => random(2) === 0));
      const erroring = new Set(candidates.filter(() => random(5) === 0));
      const ask = cedarOver(satisfied, effects, erroring);
      let calls = 0;
      const counted = (batch: string[]) => {
        calls += 1;
        return ask(batch);
      };
      const combined = decideAcrossTiers(candidates, tierOf, counted, ruleInfos, policies, 1n);
      const perTier = [0, 1, 2].map((t) => ask(candidates.filter((id) => tierOf.get(id) === t)));
      const reference = decideTiers(perTier, ruleInfos, policies, 1n);
      expect(combined).toEqual(reference);
      // Fail closed: an erroring forbid in the deciding tier or above can never end in an allow.
      if (combined.decision === 'allow') {
        const top = Math.min(...combined.determiningRuleIds.map((id) => tierOf.get(id) as number));
        expect(candidates.some((id) => erroring.has(id) && effects.get(id) === 'forbid' && (tierOf.get(id) as number) <= top)).toBe(false);
      }
      expect(calls).toBeLessThanOrEqual(candidates.length > 0 ? 2 : 0);
    }
  });

  it('asks once when the first answer allows or nothing is satisfied', () => {
    const tierOf = new Map([['p-new', 0], ['f-old', 1]]);
    const asked: string[][] = [];
    const answer = (reply: TierAnswer) => (ids: string[]) => {
      asked.push(ids);
      return reply;
    };
    expect(decideAcrossTiers(['p-new', 'f-old'], tierOf, answer({ decision: 'allow', reasons: ['p-new'], errors: [] }), rules, policies, 1n).decision).toBe('allow');
    const error = { ruleId: 'p-new', message: 'e' };
    expect(decideAcrossTiers(['p-new', 'f-old'], tierOf, answer({ decision: 'deny', reasons: [], errors: [error] }), rules, policies, 1n)).toMatchObject({
      decision: 'deny',
      evaluationErrors: [{ ruleId: 'p-new', message: 'e' }],
    });
    expect(asked).toHaveLength(2);
  });
});
