import { ApiKeyCache } from './api-key-cache';
import type { ApiKeyRecord } from './api-key.types';

const record = (id: string): ApiKeyRecord => ({
  id,
  tenantId: 't',
  name: 'n',
  role: 'admin',
  secretHash: new Uint8Array(32),
  subjectEmail: null,
  createdAt: new Date(0),
  revokedAt: null,
});

describe('ApiKeyCache', () => {
  it('expires entries after their ttl, unknown keys sooner', () => {
    const cache = new ApiKeyCache(1000, 100);
    cache.set('a', record('a'), 0);
    cache.set('b', null, 0);
    expect(cache.get('a', 500)?.record?.id).toBe('a');
    expect(cache.get('b', 50)?.record).toBeNull();
    expect(cache.get('b', 150)).toBeUndefined();
    expect(cache.get('a', 1000)).toBeUndefined();
  });

  it('evicts the oldest entry when full', () => {
    const cache = new ApiKeyCache(1000, 100, 2);
    cache.set('a', record('a'), 0);
    cache.set('b', record('b'), 0);
    cache.set('c', record('c'), 0);
    expect(cache.get('a', 1)).toBeUndefined();
    expect(cache.get('c', 1)?.record?.id).toBe('c');
  });

  it('does not store a row read before an invalidation', () => {
    const cache = new ApiKeyCache(1000);
    const readAt = cache.currentGeneration();
    cache.delete('a');
    cache.set('a', record('a'), 0, readAt);
    expect(cache.get('a', 1)).toBeUndefined();
  });

  it('caches nothing with a zero ttl', () => {
    const cache = new ApiKeyCache(0);
    cache.set('a', record('a'), 0);
    expect(cache.get('a', 0)).toBeUndefined();
  });

  it('drops a tenant\'s keys read before a poll that saw its revocations move, and only those', () => {
    const cache = new ApiKeyCache(60_000);
    cache.set('old', record('old'), 100);
    cache.set('new', record('new'), 300);
    cache.set('other', { ...record('other'), tenantId: 'u' }, 100);
    cache.dropTenant('t', 200);
    expect(cache.get('old', 400)).toBeUndefined();
    expect(cache.get('new', 400)?.record?.id).toBe('new');
    expect(cache.get('other', 400)?.record?.id).toBe('other');
  });

  it('kills an entry for good however it leaves the cache, so a holder of it never trusts a row the cache dropped', () => {
    const ways: [string, (cache: ApiKeyCache) => void][] = [
      ['replaced by a newer read', (cache) => cache.set('a', record('a'), 10)],
      ['invalidated', (cache) => cache.delete('a')],
      ["dropped with its tenant's keys", (cache) => cache.dropTenant('t', 5)],
      ['evicted', (cache) => ['b', 'c'].forEach((id) => cache.set(id, record(id), 0))],
      ['cleared', (cache) => cache.clear()],
    ];
    for (const [way, leave] of ways) {
      const cache = new ApiKeyCache(1000, 100, 2);
      const entry = cache.set('a', record('a'), 0);
      expect(entry && cache.current(entry, 1)).toBe(true);
      leave(cache);
      expect({ way, current: cache.current(entry!, 1) }).toEqual({ way, current: false });
    }
    const cache = new ApiKeyCache(1000);
    const entry = cache.set('a', record('a'), 0)!;
    expect(cache.current(entry, 999)).toBe(true);
    expect(cache.current(entry, 1000)).toBe(false);
    expect(cache.get('a', 0)).toBeUndefined();
    expect(cache.set('x', record('x'), 0, cache.currentGeneration() - 1)).toBeUndefined();
  });

  it('measures its ttl on the monotonic clock: a wall clock stepped back an hour does not keep an entry', async () => {
    const cache = new ApiKeyCache(20, 20);
    const entry = cache.set('a', record('a'));
    const wall = Date.now();
    const step = jest.spyOn(Date, 'now').mockReturnValue(wall - 3_600_000);
    try {
      await new Promise((resolve) => setTimeout(resolve, 40));
      expect(entry && cache.current(entry)).toBe(false);
      expect(cache.get('a')).toBeUndefined();
    } finally {
      step.mockRestore();
    }
  });

  it('asks for a refresh between 70% and 90% of the ttl, spread over entries', () => {
    const cache = new ApiKeyCache(1000);
    const points = ['a', 'b', 'c', 'd', 'e', 'f'].map((id) => cache.set(id, record(id), 0)).map((entry) => entry?.refreshAt ?? NaN);
    for (const at of points) expect(at >= 700 && at <= 900).toBe(true);
    const entry = cache.set('g', record('g'), 0);
    expect(entry && cache.dueForRefresh(entry, 690)).toBe(false);
    expect(entry && cache.dueForRefresh(entry, 900)).toBe(true);
  });
});
