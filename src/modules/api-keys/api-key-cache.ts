import type { ApiKeyRecord } from './api-key.types';

interface Entry {
  record: ApiKeyRecord | null;
  /** When the database read of this entry started (ms). */
  readAt: number;
}

/** Bounded in-process map of key id to row (or to "no such key", kept shorter); oldest entries go first. */
export class ApiKeyCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped on every invalidation, so a read that raced with one does not put its stale row back. */
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly negativeTtlMs = Math.min(ttlMs, 5000),
    private readonly maxEntries = 50_000,
  ) {}

  get(id: string, now = Date.now()): Entry | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    const ttl = entry.record ? this.ttlMs : this.negativeTtlMs;
    if (now - entry.readAt >= ttl) {
      this.entries.delete(id);
      return undefined;
    }
    return entry;
  }

  currentGeneration(): number {
    return this.generation;
  }

  /** `readAt`: when the read started; `readAtGeneration`: the generation then (a later invalidation wins). */
  set(id: string, record: ApiKeyRecord | null, readAt = Date.now(), readAtGeneration = this.generation): void {
    if (this.ttlMs === 0 || readAtGeneration !== this.generation) return;
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(id, { record, readAt });
  }

  delete(id: string): void {
    this.generation += 1;
    this.entries.delete(id);
  }

  /** Drops the tenant's keys read before `readBefore` (ms): a revocation committed before then may not show in them. */
  dropTenant(tenantId: string, readBefore: number): void {
    this.generation += 1;
    for (const [id, entry] of this.entries) {
      if (entry.record?.tenantId === tenantId && entry.readAt < readBefore) this.entries.delete(id);
    }
  }

  clear(): void {
    this.generation += 1;
    this.entries.clear();
  }
}
