import type { AppConfig } from '@/config/config';
import { ChangeFeed, PROPAGATION_BOUND_MS } from './change-feed';
import type { TenantCounters, TenantStateRepository } from './tenant-state.repository';

/** Counters that never change: what is tested here is how long a poll is trusted, not what it reads. */
const unchanged = { findMany: async () => new Map<string, TenantCounters>() } as unknown as TenantStateRepository;

describe('ChangeFeed freshness', () => {
  it('trusts a poll for less than the propagation bound, on the monotonic clock whatever the wall clock does', async () => {
    const feed = new ChangeFeed(unchanged, { changePollIntervalMs: 500 } as AppConfig);
    expect(feed.isFresh()).toBe(false);
    await feed.poll();
    expect(feed.isFresh()).toBe(true);
    const step = jest.spyOn(Date, 'now').mockReturnValue(Date.now() - 3_600_000);
    try {
      expect(feed.isFresh(performance.now() + PROPAGATION_BOUND_MS)).toBe(false);
      expect(feed.isFresh()).toBe(true);
    } finally {
      step.mockRestore();
    }
  });
});
