import { DomainError } from '@/common/errors/domain-error';
import type { RuleRecord } from './policy.types';
import { draftRule, patchRule } from './rule-drafts';

const ID = '7c9e6679-7425-40de-944b-e07fc1f90ae7';
const anyRule = { effect: 'permit' as const, principal_scope_type: 'any' as const, action_scope_type: 'any' as const, resource_scope_type: 'any' as const };

function failure(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a failure');
}

describe('rule drafts', () => {
  it('writes the text from structured fields with defaults', () => {
    const rule = draftRule(ID, { ...anyRule, principal_scope_type: 'in', principal_entity_type: 'Group', principal_entity_id: 'sre', conditions: 'context.duration_seconds <= 14400' });
    expect(rule).toMatchObject({ id: ID, auditSession: true, notice: null, conditions: 'when { context.duration_seconds <= 14400 }' });
    expect(rule.policyText).toContain('principal in Group::"sre"');
  });

  it('lets policy_text win and fills the fields from it', () => {
    const rule = draftRule(ID, { ...anyRule, effect: 'permit', policy_text: 'forbid(principal == User::"eve", action, resource);', notice: 'no' });
    expect(rule).toMatchObject({ effect: 'forbid', principalScopeType: 'eq', principalEntityType: 'User', principalEntityId: 'eve', notice: 'no' });
    expect(failure(() => draftRule(ID, { policy_text: 'permit(principal, action, resource); permit(principal, action, resource);' }, 'rules[3].')).details).toEqual({ fields: { 'rules[3].policy_text': expect.any(Array) } });
  });

  it('names the field of a scope problem and of bad conditions', () => {
    expect(Object.keys(failure(() => draftRule(ID, { ...anyRule, resource_scope_type: 'is' })).details?.fields ?? {})).toContain('resource_entity_type');
    const bad = failure(() => draftRule(ID, { ...anyRule, conditions: '} ; permit(principal, action, resource) when { true' }));
    expect(Object.keys(bad.details?.fields ?? {})).toContain('conditions');
    expect(bad.notices?.length).toBeGreaterThan(0);
  });

  it('patches: a new scope type drops the entity fields it replaces, absent fields stay', () => {
    const current = { ...draftRule(ID, { ...anyRule, principal_scope_type: 'eq', principal_entity_type: 'User', principal_entity_id: 'a', notice: 'n' }), ordinal: 4, policyId: 'p', createdAt: new Date() } as RuleRecord;
    const patched = patchRule(current, { principal_scope_type: 'is' , principal_entity_type: 'User' });
    expect(patched).toMatchObject({ principalScopeType: 'is', principalEntityType: 'User', principalEntityId: null, notice: 'n', ordinal: 4 });
    expect(patchRule(current, { notice: null, effect: 'forbid' })).toMatchObject({ effect: 'forbid', principalEntityId: 'a', notice: null });
    expect(patchRule(current, { principal_scope_type: 'any' }).policyText).toContain('  principal,\n');
  });
});
