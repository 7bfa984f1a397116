import { identityContext, isPerson, personEntity, RequestIdentity } from './person-entity';

const identity: RequestIdentity = { provider: 'corp', email: 'ann@example.com', name: 'Ann', groups: ['oncall', 'dev'], amr: ['mfa'], authTime: null };

describe('personEntity', () => {
  it('puts the token attributes over the stored entity and adds the IdpGroup parents', () => {
    const stored = { uid: { type: 'User', id: 'ann@example.com' }, attrs: { team: 'db', email: 'old@example.com' }, parents: [{ type: 'Team', id: 'db' }, { type: 'IdpGroup', id: 'corp/dev' }] };
    expect(personEntity(identity, stored)).toEqual({
      uid: { type: 'User', id: 'ann@example.com' },
      attrs: { team: 'db', email: 'ann@example.com', name: 'Ann', groups: ['oncall', 'dev'] },
      parents: [{ type: 'Team', id: 'db' }, { type: 'IdpGroup', id: 'corp/dev' }, { type: 'IdpGroup', id: 'corp/oncall' }],
    });
  });

  it('applies only to the principal the token names, and leaves out an unknown auth time', () => {
    expect(isPerson({ type: 'User', id: 'ann@example.com' }, identity)).toBe(true);
    expect(isPerson({ type: 'User', id: 'bob@example.com' }, identity)).toBe(false);
    expect(isPerson({ type: 'User', id: 'ann@example.com' }, null)).toBe(false);
    expect(identityContext(identity)).toEqual({ provider: 'corp', amr: ['mfa'] });
    expect(identityContext({ ...identity, authTime: 5 })).toEqual({ provider: 'corp', amr: ['mfa'], auth_time: 5 });
  });
});
