import { performance } from 'node:perf_hooks';
import type { ApiKeyRecord } from './api-key.types';

/** A cached row (or "no such key"); `live` turns false for good once it leaves the cache, however it leaves. */
export interface CacheEntry {
  readonly id: string;
  readonly record: ApiKeyRecord | null;
  /** When the database read of this entry started (ms, `performance.now()`: a wall clock step cannot move it). */
  readonly readAt: number;
  /** From when a holder should read the row again in the background (between 70% and 90% of the TTL, spread). */
  readonly refreshAt: number;
  live: boolean;
}

/** Bounded in-process map of key id to row (or to "no such key", kept shorter); oldest entries go first. */
export class ApiKeyCache {
  private readonly entries = new Map<string, CacheEntry>();
  /** Bumped on every invalidation, so a read that raced with one does not put its stale row back. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly negativeTtlMs = Math.min(ttlMs, 5000),
    private readonly maxEntries = 50_000,
  ) {}

  get(id: string, now = performance.now()): CacheEntry | undefined {
    const entry = this.entries.get(id);
    return entry && this.current(entry, now) ? entry : undefined;
  }

  /**
   * Whether `entry` is still the cache's row for its key and within its TTL: what a holder of the entry may trust
   * without looking the key up again (an expired entry is dropped here).
   */
  current(entry: CacheEntry, now = performance.now()): boolean {
    if (!entry.live) return false;
    if (now - entry.readAt < (entry.record ? this.ttlMs : this.negativeTtlMs)) return true;
    this.remove(entry.id);
    return false;
  }

  /** Whether a current entry is old enough to be read again before its TTL runs out (see `refreshAt`). */
  dueForRefresh(entry: CacheEntry, now = performance.now()): boolean {
    return now >= entry.refreshAt;
  }

  currentGeneration(): number {
    return this.generation;
  }

  /**
   * `readAt`: when the read started; `readAtGeneration`: the generation then (a later invalidation wins). The stored
   * entry, or undefined when nothing was stored.
   */
  set(id: string, record: ApiKeyRecord | null, readAt = performance.now(), readAtGeneration = this.generation): CacheEntry | undefined {
    if (this.ttlMs === 0 || readAtGeneration !== this.generation) return undefined;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.remove(oldest);
    }
    const replaced = this.entries.get(id);
    if (replaced) replaced.live = false;
    const entry: CacheEntry = { id, record, readAt, refreshAt: readAt + this.ttlMs * (0.7 + 0.2 * Math.random()), live: true };
    this.entries.set(id, entry);
    return entry;
  }

  delete(id: string): void {
    this.generation += 1;
    this.remove(id);
  }

  /**
   * Drops the tenant's keys whose read began by `readBefore` (ms, the same millisecond included): a revocation
   * committed before then may not show in them. Reads still running are not stored (the generation moves).
   */
  dropTenant(tenantId: string, readBefore: number): void {
    this.generation += 1;
    for (const [id, entry] of this.entries) {
      if (entry.record?.tenantId === tenantId && entry.readAt <= readBefore) this.remove(id);
    }
  }

  clear(): void {
    this.generation += 1;
    for (const entry of this.entries.values()) entry.live = false;
    this.entries.clear();
  }

  private remove(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.live = false;
    this.entries.delete(id);
  }
}
