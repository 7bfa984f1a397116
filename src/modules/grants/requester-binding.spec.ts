import type { AuthContext } from '@/common/auth/roles';
import { DomainError } from '@/common/errors/domain-error';
import { assertMayActOn, bindApprover, bindRequester } from './requester-binding';

const key = (subjectEmail: string | null, roles: AuthContext['roles'] = ['requester', 'approver']): AuthContext => ({ tenantId: 't', keyId: 'k', roles, subjectEmail, person: null });
const person: AuthContext = {
  tenantId: 't',
  keyId: null,
  roles: ['requester', 'approver'],
  subjectEmail: 'ann@example.com',
  person: { provider: 'corp', sub: 's', email: 'ann@example.com', name: null, groups: ['dev'], amr: [], authTime: null },
};
const code = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as DomainError).code;
  }
  return 'none';
};

describe('requester and approver binding', () => {
  it('lets a service key request and decide for anyone it names', () => {
    expect(bindRequester(key(null), { type: 'User', id: 'bob' }, 'Bob@Example.com')).toEqual({ principal: { type: 'User', id: 'bob' }, requesterEmail: 'bob@example.com', identity: null });
    expect(code(() => bindRequester(key(null), undefined, undefined))).toBe('invalid_input');
    expect(bindApprover(key(null), 'Cat@Example.com')).toBe('cat@example.com');
    expect(code(() => bindApprover(key(null), undefined))).toBe('invalid_input');
  });

  it('binds a person and a subject key to their own email', () => {
    const ann = { type: 'User', id: 'ann@example.com' };
    expect(bindRequester(person, { type: 'User', id: 'ann@example.com' }, undefined)).toEqual({
      principal: ann,
      requesterEmail: 'ann@example.com',
      identity: { provider: 'corp', email: 'ann@example.com', name: null, groups: ['dev'], amr: [], authTime: null },
    });
    expect(bindRequester(key('ann@example.com'), { type: 'User', id: 'ann@example.com' }, 'ann@example.com')).toEqual({ principal: ann, requesterEmail: 'ann@example.com', identity: null });
    expect(bindRequester(person, undefined, undefined).principal).toEqual(ann);
    expect(bindRequester(key('ann@example.com'), { type: 'User', id: 'Ann@Example.COM' }, undefined).principal).toEqual(ann);
    expect(code(() => bindRequester(person, { type: 'User', id: 'bob@example.com' }, undefined))).toBe('forbidden');
    expect(code(() => bindRequester(person, { type: 'Group', id: 'ann@example.com' }, undefined))).toBe('forbidden');
    expect(code(() => bindRequester(person, { type: 'User', id: 'ann@example.com' }, 'bob@example.com'))).toBe('forbidden');
    expect(bindApprover(person, undefined)).toBe('ann@example.com');
    expect(code(() => bindApprover(person, 'bob@example.com'))).toBe('forbidden');
  });

  it('lets a bound caller act only on its own grants, admins and service keys on any', () => {
    const bobs = { requesterEmail: 'bob@example.com', principal: { type: 'User', id: 'bob@example.com' } };
    expect(code(() => assertMayActOn(person, bobs))).toBe('forbidden');
    expect(code(() => assertMayActOn(person, { requesterEmail: null, principal: { type: 'User', id: 'ann@example.com' } }))).toBe('none');
    expect(code(() => assertMayActOn({ ...person, roles: ['admin', 'requester'] }, bobs))).toBe('none');
    expect(code(() => assertMayActOn(key(null), bobs))).toBe('none');
  });
});
