import { DomainError } from '@/common/errors/domain-error';
import { parseBundle } from './bundle-parse';
import { escapeToken, pathTokens, rebasePath } from './json-pointer';
import { parseIfMatch } from './policy-bundles.service';

const rule = { effect: 'permit', principal_scope_type: 'any', action_scope_type: 'any', resource_scope_type: 'any' };
const fieldsOf = (body: unknown): string[] => {
  try {
    parseBundle(body);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).code).toBe('invalid_input');
    return Object.keys(((error as DomainError).details?.fields ?? {}) as Record<string, string[]>);
  }
  throw new Error('parseBundle accepted the bundle');
};

describe('parseBundle', () => {
  it('accepts a bundle and leaves sections it does not name unmanaged', () => {
    const parsed = parseBundle({ version: 1, policies: [{ name: ' p ', max_duration_seconds: 60, rules: [rule, { ...rule, ordinal: 1 }] }] });
    expect(parsed.policies[0].settings.name).toBe('p');
    expect(parsed.policies[0].rules.map((r) => r.ordinal)).toEqual([1, 2]);
    expect(parsed.policies[0].rules[0].id).toBe('bundle:/policies/0/rules/1');
    expect(parsed.emailLists).toBeUndefined();
    expect(parsed.entities).toBeUndefined();
    expect(parsed.schema).toBeUndefined();
    expect(parseBundle({ version: 1, schema: null }).schema).toBeNull();
  });

  it('names the offending value by JSON pointer', () => {
    expect(fieldsOf([])).toEqual(['']);
    expect(fieldsOf({ version: 2 })).toEqual(['/version']);
    expect(fieldsOf({ version: 1, 'a/b': 1 })).toEqual(['/a~1b']);
    expect(fieldsOf({ version: 1, policies: [{ name: 'p', max_duration_seconds: 'x' }] })).toEqual(['/policies/0/max_duration_seconds']);
    expect(fieldsOf({ version: 1, policies: [{ name: 'p', max_duration_seconds: 60, rules: [{ ...rule, effect: 'allow' }] }] })).toEqual(['/policies/0/rules/0/effect']);
    expect(fieldsOf({ version: 1, policies: [{ name: 'p', max_duration_seconds: 60, rules: [rule, { ...rule, ordinal: 1 }, { ...rule, ordinal: 1 }] }] })).toEqual(['/policies/0/rules/2/ordinal']);
    expect(fieldsOf({ version: 1, policies: [{ name: 'p', max_duration_seconds: 60, rules: [{ ...rule, principal_scope_type: 'eq' }] }] })[0]).toMatch(/^\/policies\/0\/rules\/0\/principal_entity/);
    expect(fieldsOf({ version: 1, policies: [{ name: 'p', max_duration_seconds: 60, approval_groups: [{ approvals_needed: 1, email_list: 'a', email_list_uuid: '3f1c2a4e-0000-4000-8000-000000000000' }] }] })).toEqual(['/policies/0/approval_groups/0/email_list']);
    expect(fieldsOf({ version: 1, email_lists: [{ name: 'l', emails: [] }, { name: 'l', emails: [] }] })).toEqual(['/email_lists/1/name']);
    expect(fieldsOf({ version: 1, entities: [{ uid: { type: 'User', id: 'a' } }, { uid: { type: 'User', id: 'a' } }] })).toEqual(['/entities/1/uid']);
    expect(fieldsOf({ version: 1, entities: [{ uid: { type: 'Us er', id: 'a' } }] })).toEqual(['/entities/0/uid/type']);
    expect(fieldsOf({ version: 1, tests: [{ name: 't', principal: { type: 'User', id: 'a' }, action: { type: 'Action', id: 'a' }, resource: { type: 'H', id: 'a' }, expect: 'allow', extra: 1 }] })).toEqual(['/tests/0/extra']);
    expect(fieldsOf({ version: 1, notification_channels: [{ name: 'c', type: 'pager', config: {} }] })).toEqual(['/notification_channels/0/type']);
  });
});

describe('JSON pointers and If-Match', () => {
  it('escapes tokens and rewrites the field paths the service uses', () => {
    expect(escapeToken('a/b~c')).toBe('a~1b~0c');
    expect(pathTokens('approval_groups[0].email_list_uuid')).toEqual(['approval_groups', '0', 'email_list_uuid']);
    expect(rebasePath('/notification_channels/2', 'config.url')).toBe('/notification_channels/2/config/url');
    expect(rebasePath('', '/policies/0/name')).toBe('/policies/0/name');
  });

  it('reads the policy-set version from If-Match', () => {
    expect(parseIfMatch('7')).toBe(7n);
    expect(parseIfMatch('"7"')).toBe(7n);
    expect(parseIfMatch('W/"12"')).toBe(12n);
    for (const bad of [undefined, '', '*', '"x"', '""7""', '-1']) expect(() => parseIfMatch(bad)).toThrow(DomainError);
  });
});
