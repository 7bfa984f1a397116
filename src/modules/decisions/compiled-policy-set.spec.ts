import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { DomainError } from '@/common/errors/domain-error';
import type { CedarEntity, EntityUid } from '@/infra/cedar/cedar-types';
import { CompiledPolicySet, EngineSlots, PolicySetData, StoredPolicy, StoredRule } from './compiled-policy-set';
import type { EvaluationRequest } from './decision.types';
import { PreparsedSlots } from '@/infra/cedar/preparsed-sets';
import { assembleRuleText, normalizeConditions, resolveScopes, RuleFields } from '@/infra/cedar/rule-scope';
import { OPEN_RULE } from '@/infra/cedar/spec-fixtures';
import { PLAIN_POLICY } from './spec-fixtures';

const u = (type: string, id: string): EntityUid => ({ type, id });
let sequence = 0;

function rule(fields: Partial<RuleFields> & { notice?: string }): StoredRule {
  const merged: RuleFields = {
    ...OPEN_RULE,
    ...fields,
    conditions: normalizeConditions(fields.conditions),
  };
  const id = `00000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`;
  const text = assembleRuleText(id, merged.effect, resolveScopes(merged).scopes, merged.conditions);
  return { ...merged, id, ordinal: sequence, policyText: text, notice: fields.notice ?? null, auditSession: true };
}

function policy(priority: number, rules: StoredRule[], name = `p${priority}-${sequence}`): StoredPolicy {
  return {
    id: `10000000-0000-4000-8000-${String(++sequence).padStart(12, '0')}`,
    name,
    priority,
    createdAt: new Date(1_700_000_000_000 + sequence),
    ...PLAIN_POLICY,
    rules,
  };
}

const slots = (): EngineSlots => ({ policies: new PreparsedSlots('policies', 64), schemas: new PreparsedSlots('schema', 4) });
const compile = (policies: StoredPolicy[], entities: CedarEntity[] = [], schema: PolicySetData['schema'] = null) =>
  new CompiledPolicySet({ tenantId: 't', version: 1n, policies, entities, schema });
const request = (context: Record<string, unknown> = {}, principal = u('User', 'alice'), action = u('Action', 'ssh'), resource = u('Host', 'db')): EvaluationRequest => ({
  principal,
  action,
  resource,
  context: { duration_seconds: 3600, justification: '', requested_at: '2026-01-01T00:00:00.000Z', ...context },
});

describe('CompiledPolicySet decisions through cedar-wasm', () => {
  it('allows on a permit and denies when nothing matches', () => {
    const permit = rule({ actionScopeType: 'eq', actionIds: ['ssh'], notice: 'welcome' });
    const set = compile([policy(0, [permit])]);
    expect(set.evaluate(request(), slots())).toMatchObject({ decision: 'allow', determiningRuleIds: [permit.id], notices: ['welcome'], auditSession: true });
    expect(set.evaluate(request({}, u('User', 'alice'), u('Action', 'sudo')), slots())).toMatchObject({ decision: 'deny', determiningRuleIds: [] });
  });

  it('lets a forbid override a permit in the same tier', () => {
    const permit = rule({});
    const forbid = rule({ effect: 'forbid', resourceScopeType: 'eq', resourceEntityType: 'Host', resourceEntityId: 'db', notice: 'no db' });
    const decision = compile([policy(5, [permit]), policy(5, [forbid])]).evaluate(request(), slots());
    expect(decision).toMatchObject({ decision: 'deny', policy: null, determiningRuleIds: [forbid.id], notices: ['no db'] });
  });

  it('lets a higher-priority permit override a lower-priority forbid, and not the reverse', () => {
    const onCall = rule({ principalScopeType: 'in', principalEntityType: 'Group', principalEntityId: 'oncall' });
    const weekend = rule({ effect: 'forbid', conditions: 'context.weekend' });
    const entities = [{ uid: u('User', 'alice'), attrs: {}, parents: [u('Group', 'oncall')] }];
    const exception = compile([policy(100, [onCall]), policy(10, [weekend])], entities);
    expect(exception.evaluate(request({ weekend: true }), slots())).toMatchObject({ decision: 'allow', determiningRuleIds: [onCall.id] });
    expect(exception.evaluate(request({ weekend: true }, u('User', 'bob')), slots())).toMatchObject({ decision: 'deny', determiningRuleIds: [weekend.id] });

    const lowPermit = rule({});
    const highForbid = rule({ effect: 'forbid', conditions: 'context.weekend' });
    const final = compile([policy(10, [lowPermit]), policy(100, [highForbid])]);
    expect(final.evaluate(request({ weekend: true }), slots())).toMatchObject({ decision: 'deny', determiningRuleIds: [highForbid.id] });
    expect(final.evaluate(request({ weekend: false }), slots())).toMatchObject({ decision: 'allow', determiningRuleIds: [lowPermit.id] });
  });

  it('matches `in` through a two-level group hierarchy', () => {
    const engineering = rule({ principalScopeType: 'in', principalEntityType: 'Group', principalEntityId: 'engineering' });
    const entities = [
      { uid: u('User', 'alice'), attrs: {}, parents: [u('Group', 'sre')] },
      { uid: u('Group', 'sre'), attrs: {}, parents: [u('Group', 'engineering')] },
      { uid: u('User', 'mallory'), attrs: {}, parents: [u('Group', 'sales')] },
    ];
    const set = compile([policy(0, [engineering])], entities);
    expect(set.evaluate(request(), slots()).decision).toBe('allow');
    expect(set.evaluate(request({}, u('User', 'mallory')), slots()).decision).toBe('deny');
  });

  it('evaluates conditions on the context, a bare expression wrapped in when', () => {
    const short = rule({ conditions: 'context.duration_seconds <= 14400' });
    expect(short.policyText).toContain('when { context.duration_seconds <= 14400 }');
    const set = compile([policy(0, [short])]);
    expect(set.evaluate(request({ duration_seconds: 3600 }), slots()).decision).toBe('allow');
    expect(set.evaluate(request({ duration_seconds: 20000 }), slots()).decision).toBe('deny');
  });

  it('reaches attributes of referenced entities and entity literals in conditions', () => {
    const owner = rule({ conditions: 'resource.owner.team == principal.team && Flag::"on".enabled' });
    const entities = [
      { uid: u('User', 'alice'), attrs: { team: 'db' }, parents: [] },
      { uid: u('Host', 'db'), attrs: { owner: { __entity: u('User', 'bob') } }, parents: [] },
      { uid: u('User', 'bob'), attrs: { team: 'db' }, parents: [] },
      { uid: u('Flag', 'on'), attrs: { enabled: true }, parents: [] },
    ];
    const decision = compile([policy(0, [owner])], entities).evaluate(request(), slots());
    expect(decision).toMatchObject({ decision: 'allow', evaluationErrors: [] });
  });

  it('reaches entity literals written with white space or after a string holding `::` (a forbid is not bypassed)', () => {
    const entities = [{ uid: u('Switch', 'freeze'), attrs: {}, parents: [u('Switch', 'on')] }];
    for (const conditions of ['Switch :: "freeze" in Switch::"on"', 'Switch::\n  "freeze" in Switch::"on"', 'context.justification == "jira::" || Switch::"freeze" in Switch::"on"']) {
      const forbid = rule({ effect: 'forbid', conditions, notice: 'frozen' });
      const decision = compile([policy(0, [rule({}), forbid])], entities).evaluate(request(), slots());
      expect(decision).toMatchObject({ decision: 'deny', determiningRuleIds: [forbid.id], notices: ['frozen'] });
    }
  });

  it('uses the action hierarchy of the schema', () => {
    const context = '{ duration_seconds: Long, justification: String, requested_at: String }';
    const schema = `entity User; entity Host; action admin; action ssh in [admin] appliesTo { principal: [User], resource: [Host], context: ${context} };`;
    const admins = rule({ actionScopeType: 'in', actionIds: ['admin'] });
    const set = compile([policy(0, [admins])], [], schema);
    expect(set.evaluate(request(), slots()).decision).toBe('allow');
    expect(() => set.evaluate(request({ undeclared: 1 }), slots())).toThrow(DomainError);
  });

  it('keeps tiers apart when the whole rule set stands in for the candidates', () => {
    const high = rule({ conditions: 'context.oncall' });
    const lows = Array.from({ length: 80 }, (_x, i) => rule({ effect: i === 0 ? 'forbid' : 'permit', conditions: `context.duration_seconds > ${i}` }));
    const set = compile([policy(100, [high]), policy(0, lows)]);
    expect(set.evaluate(request({ oncall: true }), slots())).toMatchObject({ decision: 'allow', determiningRuleIds: [high.id] });
    expect(set.evaluate(request({ oncall: false }), slots())).toMatchObject({ decision: 'deny', determiningRuleIds: [lows[0].id] });
  });

  describe('evaluation errors fail closed (PRODUCT.md section 14)', () => {
    it.each([
      ['a type error (`in` on a string)', 'context.env in ["prod", "staging"]', { env: 'prod' }],
      ['an attribute the principal lacks', 'principal.department == "ops"', {}],
      ['a context key the request lacks', 'context.ticket like "INC-*"', {}],
      ['a bad ip() argument', 'ip("999.1.1.1").isInRange(ip("10.0.0.0/8"))', {}],
    ])('a forbid that errors with %s denies next to a permit', (_what, conditions, context) => {
      const forbid = rule({ effect: 'forbid', conditions, notice: 'not in prod' });
      const permit = rule({});
      const decision = compile([policy(0, [permit, forbid])]).evaluate(request(context), slots());
      expect(decision).toMatchObject({ decision: 'deny', policy: null, determiningRuleIds: [forbid.id] });
      expect(decision.evaluationErrors).toEqual([expect.objectContaining({ ruleId: forbid.id, effect: 'forbid' })]);
      expect(decision.notices[0]).toBe('not in prod');
      expect(decision.notices[1]).toMatch(new RegExp(`^Forbid rule ${forbid.id} could not be evaluated .*denies$`));
    });

    it('a permit that errors stays unsatisfied, and says so', () => {
      const permit = rule({ conditions: 'context.env in ["prod"]' });
      const decision = compile([policy(0, [permit])]).evaluate(request({ env: 'prod' }), slots());
      expect(decision).toMatchObject({ decision: 'deny', determiningRuleIds: [] });
      expect(decision.evaluationErrors).toEqual([expect.objectContaining({ ruleId: permit.id, effect: 'permit' })]);
      expect(decision.notices[0]).toMatch(/it permits nothing/);
    });

    it('an erroring forbid denies in its own tier only: a permit above it still allows, one below does not', () => {
      const forbid = rule({ effect: 'forbid', conditions: 'principal.missing == 1' });
      const above = rule({ conditions: 'context.oncall' });
      const below = rule({});
      const set = compile([policy(100, [above]), policy(10, [forbid]), policy(0, [below])]);
      expect(set.evaluate(request({ oncall: true }), slots())).toMatchObject({ decision: 'allow', determiningRuleIds: [above.id], evaluationErrors: [] });
      expect(set.evaluate(request({ oncall: false }), slots())).toMatchObject({ decision: 'deny', determiningRuleIds: [forbid.id] });
    });

    it('an erroring forbid beats a satisfied permit of the same tier when Cedar itself allowed', () => {
      const permit = rule({});
      const forbid = rule({ effect: 'forbid', conditions: 'context.count > "x"' });
      const decision = compile([policy(3, [permit, forbid])]).evaluate(request({ count: 1 }), slots());
      expect(decision).toMatchObject({ decision: 'deny', determiningRuleIds: [forbid.id] });
    });
  });

  it('answers invalid_input with Cedar messages when Cedar cannot read the request', () => {
    const set = compile([policy(0, [rule({})])]);
    try {
      set.evaluate(request({ bad: null }), slots());
      throw new Error('expected a failure');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).notices?.[0]).toMatch(/null/);
    }
  });
});

describe('the scope pre-filter never changes a decision', () => {
  it('decides like Cedar over whole tiers with every entity, for random rules and requests', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = <T>(items: T[]): T => items[random(items.length)];
    const users = ['u0', 'u1', 'u2', 'u3'];
    const groups = ['g0', 'g1', 'g2'];
    const hosts = ['h0', 'h1', 'h2'];
    const envs = ['prod', 'dev'];
    const actions = ['ssh', 'sudo', 'read'];
    const entities: CedarEntity[] = [
      ...users.map((id, i) => ({ uid: u('User', id), attrs: { level: i }, parents: [u('Group', groups[i % 3])] })),
      { uid: u('Group', 'g0'), attrs: {}, parents: [u('Group', 'g2')] },
      ...hosts.map((id, i) => ({ uid: u('Host', id), attrs: {}, parents: [u('Env', envs[i % 2])] })),
      { uid: u('Action', 'sudo'), attrs: {}, parents: [u('Action', 'ssh')] },
    ];
    const entityScope = (slot: 'principal' | 'resource'): Partial<RuleFields> => {
      const [type, ids, parentType, parents] = slot === 'principal' ? ['User', users, 'Group', groups] : ['Host', hosts, 'Env', envs];
      const options: Partial<Record<string, string | null>>[] = [
        { scope: 'any', type: null, id: null },
        { scope: 'eq', type, id: pick(ids) },
        { scope: 'in', type: parentType, id: pick(parents) },
        { scope: 'is', type, id: null },
        { scope: 'is_in', type, id: `${parentType}::"${pick(parents)}"` },
        { scope: 'is', type: 'Other', id: null },
      ];
      const chosen = pick(options);
      return { [`${slot}ScopeType`]: chosen.scope, [`${slot}EntityType`]: chosen.type, [`${slot}EntityId`]: chosen.id } as Partial<RuleFields>;
    };
    const policies = [0, 1, 2].map((tier) =>
      policy(tier * 10, Array.from({ length: 25 }, () =>
        rule({
          effect: random(4) === 0 ? 'forbid' : 'permit',
          ...entityScope('principal'),
          ...entityScope('resource'),
          ...pick<Partial<RuleFields>>([{}, { actionScopeType: 'eq', actionIds: [pick(actions)] }, { actionScopeType: 'in', actionIds: [pick(actions), pick(actions)] }]),
          conditions: pick([null, 'principal.level > 1', 'context.duration_seconds < 1000', 'context.missing == 1']),
        }),
      )),
    );
    const set = compile(policies, entities);
    const engineSlots = slots();
    for (let i = 0; i < 300; i += 1) {
      const req = request({ duration_seconds: pick([10, 5000]) }, u('User', pick([...users, 'stranger'])), u('Action', pick(actions)), u('Host', pick(hosts)));
      // Tier by tier with plain isAuthorized over all rules and entities; an erroring forbid counts as satisfied.
      const expected = [...policies].sort((a, b) => b.priority - a.priority).map((p) => {
        const answer = cedar.isAuthorized({ ...req, policies: { staticPolicies: Object.fromEntries(p.rules.map((r) => [r.id, r.policyText])) }, entities: entities as cedar.EntityJson[] } as cedar.AuthorizationCall);
        if (answer.type !== 'success') throw new Error('naive evaluation failed');
        const { decision, diagnostics } = answer.response;
        const forbidden = diagnostics.errors.map((e) => e.policyId).filter((id) => p.rules.find((r) => r.id === id)?.effect === 'forbid');
        const forbids = [...(decision === 'deny' ? diagnostics.reason : []), ...forbidden];
        return forbids.length > 0 ? { decision: 'deny', rules: forbids } : { decision, rules: diagnostics.reason };
      }).find((answer) => answer.rules.length > 0);
      const decision = set.evaluate(req, engineSlots);
      expect(decision.decision).toBe(expected?.decision ?? 'deny');
      expect(new Set(decision.decision === 'deny' ? decision.determiningRuleIds : [])).toEqual(new Set(expected?.decision === 'deny' ? expected.rules : []));
    }
  });
});
