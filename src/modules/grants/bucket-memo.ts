/** A bucket job due sooner than this (ms) is added again rather than trusted to be there (it may be running). */
const MARGIN_MS = 2000;
/** Buckets remembered at most (past ones are dropped first; beyond it, all). */
const MAX_BUCKETS = 100_000;

/**
 * The expiry bucket jobs (dueAt, ms since the epoch) this process added, so that each is sent to Redis once rather
 * than once per grant (GrantJobs). An entry holds only for the Redis connection it was added on (a server that
 * restarted closed it); GrantJobs also re-adds every entry when Redis lost them without closing it (a FLUSHALL).
 */
export class BucketMemo {
  private readonly buckets = new Map<number, number>();

  get size(): number {
    return this.buckets.size;
  }

  /** Whether the bucket's job was added on this connection and is not about to run. */
  has(dueAt: number, connection: number, now = Date.now()): boolean {
    return this.buckets.get(dueAt) === connection && dueAt - now > MARGIN_MS;
  }

  remember(dueAt: number, connection: number, now = Date.now()): void {
    if (this.buckets.size >= MAX_BUCKETS) {
      this.forgetPast(now);
      if (this.buckets.size >= MAX_BUCKETS) this.buckets.clear();
    }
    this.buckets.set(dueAt, connection);
  }

  /** The buckets still to run, to add again; past ones are forgotten. */
  pending(now = Date.now()): number[] {
    this.forgetPast(now);
    return [...this.buckets.keys()];
  }

  private forgetPast(now: number): void {
    for (const dueAt of this.buckets.keys()) if (dueAt <= now) this.buckets.delete(dueAt);
  }
}
