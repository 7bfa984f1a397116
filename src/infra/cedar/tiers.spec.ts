import { decideTiers, PolicyInfo, RuleInfo, TierAnswer } from './tiers';

const policy = (id: string, createdAt: string): PolicyInfo => ({
  id,
  name: id,
  createdAt: new Date(createdAt),
  maxDurationSeconds: 3600,
  defaultDurationSeconds: null,
  notificationChannel: null,
  approvalRequired: false,
  approvalGroups: [],
  purposeJustificationRequired: false,
  purposeJustificationPrompt: null,
  approvalTimeoutSeconds: 86400,
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
      yield { decision: 'deny', reasons: [], errors: ['r: error in an undecided tier'] };
      asked += 1;
      yield { decision: 'allow', reasons: ['p-new'], errors: [] };
      asked += 1;
      yield { decision: 'deny', reasons: ['f-old'], errors: [] };
    }
    const decision = decideTiers(answers(), rules, policies, 7n);
    expect(asked).toBe(2);
    expect(decision).toMatchObject({ decision: 'allow', determiningRuleIds: ['p-new'], notices: ['p-new notice'], policySetVersion: 7n });
    expect(decision.policy?.id).toBe('new');
    expect(decision.policy).not.toHaveProperty('createdAt');
    expect(decision.errors).toEqual(['r: error in an undecided tier']);
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
      errors: [],
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
