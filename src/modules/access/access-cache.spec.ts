import fc from 'fast-check';
import { isTerminal } from '@/modules/grants/grant-state';
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

  it('answers like a plain list of grants, whether a key holds one grant or several, in any order of updates', () => {
    const ids = ['a', 'b', 'c'];
    const op = fc.record({
      id: fc.constantFrom(...ids),
      status: fc.constantFrom('active' as const, 'active' as const, 'pending_approval' as const, 'revoked' as const, 'expired' as const),
      expiresAt: fc.integer({ min: 1, max: 100 }),
    });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 20 }), fc.integer({ min: 0, max: 100 }), (ops, now) => {
        const grants = new TenantGrants();
        // The model: every grant ever active, its latest expiry, minus those that ended.
        const model = new Map<string, number>();
        const ended = new Set<string>();
        for (const { id, status, expiresAt } of ops) {
          grants.apply(update({ id, status, expiresAt }), 0);
          if (ended.has(id)) continue;
          if (isTerminal(status)) {
            ended.add(id);
            model.delete(id);
          } else if (status === 'active') model.set(id, Math.max(expiresAt, model.get(id) ?? 0));
        }
        const live = [...model].filter(([, at]) => at > now).sort((x, y) => y[1] - x[1]);
        expect(grants.find(key, now)?.expiresAt ?? null).toBe(live[0]?.[1] ?? null);
        expect(grants.size).toBe(model.size);
      }),
    );
  });
});
