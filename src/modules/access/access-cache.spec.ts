import { accessKey, expiresIso, GrantUpdate, TenantGrants } from './access-cache';

const uid = (type: string, id: string) => ({ type, id });
const update = (over: Partial<GrantUpdate> = {}): GrantUpdate => ({
  id: 'g1',
  principal: uid('User', 'alice'),
  action: uid('Action', 'ssh'),
  resource: uid('Host', 'db1'),
  status: 'active',
  expiresAt: 10_000,
  auditSession: true,
  ...over,
});
const key = accessKey(uid('User', 'alice'), uid('Action', 'ssh'), uid('Host', 'db1'));

describe('TenantGrants', () => {
  it('allows during the window only', () => {
    const grants = new TenantGrants();
    grants.apply(update());
    expect(grants.find(key, 9_999)?.id).toBe('g1');
    expect(grants.find(key, 10_000)).toBeNull();
  });

  it('never brings back an ended grant, whatever the order of updates', () => {
    const grants = new TenantGrants();
    grants.apply(update({ status: 'revoked', expiresAt: null }));
    grants.apply(update({ expiresAt: 50_000 }));
    expect(grants.find(key, 0)).toBeNull();
  });

  it('keeps the later expiry when extensions arrive out of order', () => {
    const grants = new TenantGrants();
    grants.apply(update({ expiresAt: 30_000 }));
    grants.apply(update({ expiresAt: 20_000 }));
    expect(grants.find(key, 25_000)?.expiresAt).toBe(30_000);
  });

  it('answers the extended expiry once an extension arrives, not the one it first answered', () => {
    const grants = new TenantGrants();
    grants.apply(update({ expiresAt: 30_000 }));
    expect(expiresIso(grants.find(key, 0)!)).toBe(new Date(30_000).toISOString());
    grants.apply(update({ expiresAt: 90_000 }));
    expect(expiresIso(grants.find(key, 0)!)).toBe(new Date(90_000).toISOString());
  });

  it('keeps keys apart even when ids contain separators', () => {
    const a = accessKey(uid('User', 'a|b'), uid('Action', 'c'), uid('Host', 'd'));
    const b = accessKey(uid('User', 'a'), uid('Action', 'b|c'), uid('Host', 'd'));
    expect(a).not.toBe(b);
    const json = accessKey(uid('User', 'a",""'), uid('Action', 'c'), uid('Host', 'd'));
    expect(json).not.toBe(accessKey(uid('User', 'a'), uid('Action', '",c'), uid('Host', 'd')));
  });

  it('picks the grant that lasts longest among several', () => {
    const grants = new TenantGrants();
    grants.apply(update({ id: 'short', expiresAt: 5_000 }));
    grants.apply(update({ id: 'long', expiresAt: 9_000 }));
    expect(grants.find(key, 1_000)?.id).toBe('long');
    grants.apply(update({ id: 'long', status: 'expired', expiresAt: null }));
    expect(grants.find(key, 1_000)?.id).toBe('short');
    expect(grants.size).toBe(1);
  });
});
