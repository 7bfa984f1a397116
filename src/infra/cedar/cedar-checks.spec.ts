import * as cedar from '@cedar-policy/cedar-wasm/nodejs';
import { checkEntities, checkRuleText, fieldsFromPolicyText, schemaActionEdges, validateAgainstSchema } from './cedar-checks';
import { cedarNestingScore, MAX_CEDAR_NESTING } from './cedar-text';
import { assembleRuleText, normalizeConditions, resolveScopes, RuleFields } from './rule-scope';
import { OPEN_RULE } from './spec-fixtures';

const ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const base = OPEN_RULE;

/** Notices for the rule these fields assemble to (field errors count as notices here). */
function problems(fields: Partial<RuleFields>): string[] {
  const merged = { ...base, ...fields };
  const { scopes, errors } = resolveScopes(merged);
  if (errors.length > 0) return errors.map((error) => error.message);
  return checkRuleText(ID, assembleRuleText(ID, merged.effect, scopes, normalizeConditions(merged.conditions)), merged.effect, scopes);
}

describe('injection attempts', () => {
  it('rejects conditions that close the rule and add another policy', () => {
    for (const conditions of [
      'when { true }; permit(principal, action, resource) when { true }',
      'true }; permit(principal, action, resource) when { true',
      '} ; permit(principal, action, resource) when { true',
      'when { false }; @id("evil") permit(principal, action, resource);',
    ]) {
      expect(problems({ effect: 'forbid', conditions })).not.toEqual([]);
    }
  });

  it('rejects annotations and template slots smuggled in conditions', () => {
    expect(problems({ conditions: '@id("other") when { true }' })).not.toEqual([]);
    expect(problems({ conditions: 'when { principal == ?principal }' })).not.toEqual([]);
  });

  it('keeps quotes, backslashes and Cedar syntax in ids as data', () => {
    for (const id of ['alice", action, resource) when { true };//', 'a\\', '\\"', 'x" || true || "']) {
      expect(problems({ principalScopeType: 'eq', principalEntityType: 'User', principalEntityId: id })).toEqual([]);
      expect(problems({ actionScopeType: 'in', actionIds: [id] })).toEqual([]);
    }
    expect(problems({ principalScopeType: 'eq', principalEntityType: 'User::"x"', principalEntityId: 'y' })).not.toEqual([]);
  });

  it('detects a text whose structure differs from its fields', () => {
    const { scopes } = resolveScopes(base);
    expect(checkRuleText(ID, `@id("${ID}")\npermit (principal, action, resource);`, 'forbid', scopes)).not.toEqual([]);
    expect(checkRuleText(ID, `@id("other")\npermit (principal, action, resource);`, 'permit', scopes)).not.toEqual([]);
    expect(checkRuleText(ID, `@id("${ID}")\n@x("y")\npermit (principal, action, resource);`, 'permit', scopes)).not.toEqual([]);
    expect(checkRuleText(ID, `@id("${ID}")\npermit (principal, action, resource);`, 'permit', scopes)).toEqual([]);
  });
});

describe('texts nested too deeply for Cedar', () => {
  const nested = {
    brackets: (n: number) => `${'('.repeat(n)}true${')'.repeat(n)}`,
    sets: (n: number) => `${'['.repeat(n)}${']'.repeat(n)} == []`,
    ifs: (n: number) => `${'if true then '.repeat(n)}true${' else false'.repeat(n)}`,
    sums: (n: number) => `${Array<string>(n).fill('1').join(' + ')} > 0`,
    members: (n: number) => `context${'.a'.repeat(n)} == 1`,
  };
  const evaluate = (conditions: string) =>
    cedar.isAuthorized({
      principal: { type: 'User', id: 'a' },
      action: { type: 'Action', id: 'ssh' },
      resource: { type: 'Host', id: 'h' },
      context: {},
      policies: { staticPolicies: { p: `permit(principal, action, resource) when { ${conditions} };` } },
      entities: [],
    });

  it('refuses them before Cedar sees them (each of these overflowed its stack and left the module corrupt)', () => {
    for (const conditions of [nested.brackets(300), nested.sets(300), nested.ifs(450), nested.sums(600), nested.members(600), nested.brackets(130), Array<string>(400).fill('context.a == 1').join(' && ')]) {
      expect(problems({ conditions })).toEqual([expect.stringMatching(/nests too deeply/)]);
      expect(fieldsFromPolicyText(`permit(principal, action, resource) when { ${conditions} };`)).toEqual({ notices: [expect.stringMatching(/nests too deeply/)] });
    }
    expect(problems({ conditions: 'context.duration_seconds <= 3600' })).toEqual([]);
    expect(evaluate('true').type).toBe('success');
  });

  it('lets through what Cedar evaluates safely, and ignores brackets in strings and comments', () => {
    for (const conditions of [nested.brackets(MAX_CEDAR_NESTING / 2 - 4), nested.ifs(30), nested.sums(90), nested.members(90), Array<string>(90).fill('context.a == 1').join(' && '), Array<string>(40).fill('(context.a.b == 1 || principal.c < 3)').join(' && ')]) {
      expect(cedarNestingScore(conditions)).toBeLessThanOrEqual(MAX_CEDAR_NESTING);
      expect(problems({ conditions })).toEqual([]);
      expect(evaluate(conditions).type).toBe('success');
    }
    expect(cedarNestingScore(`context.s == "${'('.repeat(500)}" // ${'['.repeat(500)}`)).toBeLessThan(10);
  });
});

describe('fieldsFromPolicyText', () => {
  it('fills the structured fields from one statement', () => {
    const answer = fieldsFromPolicyText(
      'forbid(principal is User in Group::"contractors", action in [Action::"ssh", Acme::Action::"sudo"], resource == Host::"db-1") when { context.duration_seconds > 3600 };',
    );
    expect(answer).toEqual({
      fields: {
        effect: 'forbid',
        principalScopeType: 'is_in',
        principalEntityType: 'User',
        principalEntityId: 'Group::"contractors"',
        actionScopeType: 'in',
        actionIds: ['ssh', 'Acme::Action::"sudo"'],
        resourceScopeType: 'eq',
        resourceEntityType: 'Host',
        resourceEntityId: 'db-1',
        conditions: 'when { context.duration_seconds > 3600 }',
      },
    });
  });

  it('refuses two statements, templates, annotations and bad Cedar with notices', () => {
    const notices = (text: string) => ('notices' in fieldsFromPolicyText(text) ? (fieldsFromPolicyText(text) as { notices: string[] }).notices : []);
    expect(notices('permit(principal, action, resource); forbid(principal, action, resource);')[0]).toMatch(/exactly one/);
    expect(notices('permit(principal == ?principal, action, resource);')[0]).toMatch(/template/);
    expect(notices('@id("mine") permit(principal, action, resource);')[0]).toMatch(/annotations/);
    expect(notices('permit(principal, action, resource) when { ;')).not.toEqual([]);
    expect(notices('')[0]).toMatch(/exactly one/);
  });
});

describe('schema checks', () => {
  const schema = 'entity Group; entity User in [Group] { dept: String }; entity Host; action admin; action ssh in [admin] appliesTo { principal: [User], resource: [Host] };';

  it('validates rules in strict mode and names the offending rule', () => {
    const { byRule, schemaErrors } = validateAgainstSchema(schema, [
      { id: 'good', text: 'permit(principal is User, action == Action::"ssh", resource) when { principal.dept == "eng" };' },
      { id: 'bad', text: 'permit(principal, action == Action::"ssh", resource) when { principal.nope };' },
    ]);
    expect(schemaErrors).toEqual([]);
    expect([...byRule.keys()]).toEqual(['bad']);
    expect(validateAgainstSchema('entity X; entity X;', [{ id: 'a', text: 'permit(principal, action, resource);' }]).schemaErrors).not.toEqual([]);
  });

  it('checks entities against the schema', () => {
    const alice = { uid: { type: 'User', id: 'a' }, attrs: { dept: 'eng' }, parents: [{ type: 'Group', id: 'g' }] };
    expect(checkEntities([alice], schema)).toEqual([]);
    expect(checkEntities([{ ...alice, attrs: { dept: 3 } }], schema)[0]).toMatch(/dept/);
    expect(checkEntities([{ ...alice, attrs: { x: null } }], null)).not.toEqual([]);
  });

  it('reads the action hierarchy a schema declares', () => {
    expect(schemaActionEdges(schema)).toEqual([[{ type: 'Action', id: 'ssh' }, { type: 'Action', id: 'admin' }]]);
  });
});
