import { personRoles } from '@/common/auth/roles';
import { DEFAULT_CLAIMS } from './identity-provider.types';
import { personFromClaims } from './person-claims';

describe('personFromClaims', () => {
  it('reads the mapped claims, lower-cases the email and accepts a single group', () => {
    const person = personFromClaims('corp', { sub: 's1', mail: ' Ann@Example.COM ', roles: 'oncall', amr: ['pwd', 'mfa'], auth_time: 1700000000 }, {
      ...DEFAULT_CLAIMS,
      email: 'mail',
      groups: 'roles',
    });
    expect(person).toEqual({ provider: 'corp', sub: 's1', email: 'ann@example.com', name: null, groups: ['oncall'], amr: ['pwd', 'mfa'], authTime: 1700000000 });
  });

  it('refuses a token without a usable or verified email', () => {
    expect(personFromClaims('corp', { sub: 's' }, DEFAULT_CLAIMS)).toBeNull();
    expect(personFromClaims('corp', { email: 'not-an-email' }, DEFAULT_CLAIMS)).toBeNull();
    expect(personFromClaims('corp', { email: 'a@b.c', email_verified: false }, DEFAULT_CLAIMS)).toBeNull();
  });
});

describe('personRoles', () => {
  it('gives every person requester and approver, and admin or auditor through mapped groups', () => {
    expect(personRoles(['dev'], ['admins'], ['audit'])).toEqual(['requester', 'approver']);
    expect(personRoles(['admins', 'audit'], ['admins'], ['audit'])).toEqual(['admin', 'requester', 'approver', 'auditor']);
  });
});
