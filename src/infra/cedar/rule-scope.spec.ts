import { checkRuleText } from './cedar-checks';
import { assembleRuleText, normalizeConditions, resolveScopes, RuleFields } from './rule-scope';
import { OPEN_RULE } from './spec-fixtures';

const ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const base = OPEN_RULE;

function text(fields: Partial<RuleFields>): string {
  const merged = { ...base, ...fields };
  const { scopes, errors } = resolveScopes(merged);
  expect(errors).toEqual([]);
  const assembled = assembleRuleText(ID, merged.effect, scopes, normalizeConditions(merged.conditions));
  expect(checkRuleText(ID, assembled, merged.effect, scopes)).toEqual([]);
  return assembled;
}

const scopeLines = (assembled: string) => assembled.split('\n').slice(2, 5).map((line) => line.trim().replace(/,$/, ''));

describe('rule scopes to Cedar text', () => {
  it('writes every principal and resource scope type', () => {
    const cases: [Partial<RuleFields>, string][] = [
      [{}, 'principal'],
      [{ principalScopeType: 'eq', principalEntityType: 'User', principalEntityId: 'alice' }, 'principal == User::"alice"'],
      [{ principalScopeType: 'in', principalEntityType: 'Group', principalEntityId: 'admins' }, 'principal in Group::"admins"'],
      [{ principalScopeType: 'is', principalEntityType: 'User' }, 'principal is User'],
      [{ principalScopeType: 'is_in', principalEntityType: 'User', principalEntityId: 'Group::"admins"' }, 'principal is User in Group::"admins"'],
    ];
    for (const [fields, expected] of cases) {
      expect(scopeLines(text(fields))[0]).toBe(expected);
      const resource: Partial<RuleFields> = fields.principalScopeType
        ? {
            resourceScopeType: fields.principalScopeType,
            resourceEntityType: fields.principalEntityType ?? null,
            resourceEntityId: fields.principalEntityId ?? null,
          }
        : {};
      expect(scopeLines(text(resource))[2]).toBe(expected.replace('principal', 'resource'));
    }
  });

  it('writes every action scope type', () => {
    expect(scopeLines(text({}))[1]).toBe('action');
    expect(scopeLines(text({ actionScopeType: 'eq', actionIds: ['ssh'] }))[1]).toBe('action == Action::"ssh"');
    expect(scopeLines(text({ actionScopeType: 'in', actionIds: ['ssh', 'sudo'] }))[1]).toBe('action in [Action::"ssh", Action::"sudo"]');
    expect(scopeLines(text({ actionScopeType: 'in', actionIds: ['Acme::Action::"ssh"'] }))[1]).toBe('action in [Acme::Action::"ssh"]');
  });

  it('carries the rule id, the effect and the conditions', () => {
    const assembled = text({ effect: 'forbid', conditions: 'context.duration_seconds > 14400' });
    expect(assembled).toBe(`@id("${ID}")\nforbid (\n  principal,\n  action,\n  resource\n)\nwhen { context.duration_seconds > 14400 };`);
    expect(text({ conditions: 'unless { context.justification == "" };' })).toContain('\nunless { context.justification == "" };');
    expect(text({ conditions: 'context.x // trailing comment' })).toContain('when {\n  context.x // trailing comment\n}\n;');
  });

  it('wraps a bare expression in when and keeps clauses as they are', () => {
    expect(normalizeConditions('  context.duration_seconds <= 14400 ')).toBe('when { context.duration_seconds <= 14400 }');
    expect(normalizeConditions('when{ true } unless { false };')).toBe('when{ true } unless { false }');
    expect(normalizeConditions('  ;')).toBeNull();
    expect(normalizeConditions(null)).toBeNull();
  });

  it('enforces the fields each scope type needs', () => {
    const fieldsOf = (fields: Partial<RuleFields>) => resolveScopes({ ...base, ...fields }).errors.map((e) => e.field);
    expect(fieldsOf({ principalScopeType: 'eq', principalEntityType: 'User' })).toEqual(['principal_entity_id']);
    expect(fieldsOf({ principalScopeType: 'in', principalEntityId: 'x' })).toEqual(['principal_entity_type']);
    expect(fieldsOf({ resourceScopeType: 'is' })).toEqual(['resource_entity_type']);
    expect(fieldsOf({ resourceScopeType: 'is', resourceEntityType: 'Host', resourceEntityId: 'h' })).toEqual(['resource_entity_id']);
    expect(fieldsOf({ resourceScopeType: 'is_in', resourceEntityType: 'Host', resourceEntityId: 'not a uid' })).toEqual(['resource_entity_id']);
    expect(fieldsOf({ principalEntityType: 'User' })).toEqual(['principal_entity_type']);
    expect(fieldsOf({ principalScopeType: 'eq', principalEntityType: 'User"', principalEntityId: 'x' })).toEqual(['principal_entity_type']);
    expect(fieldsOf({ actionScopeType: 'eq', actionIds: ['a', 'b'] })).toEqual(['action_ids']);
    expect(fieldsOf({ actionScopeType: 'in', actionIds: [] })).toEqual(['action_ids']);
    expect(fieldsOf({ actionIds: ['ssh'] })).toEqual(['action_ids']);
  });
});
