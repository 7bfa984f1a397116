/**
 * A map whose entries are good for `ttlMs` after they were set, holding at most `max` of them: every `set` drops
 * the expired and the excess oldest first, so memory stays bounded however many distinct keys callers name.
 */
export class TtlMap<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  /** The value set less than ttlMs ago, if any. */
  get(key: string, now = Date.now()): V | undefined {
    const entry = this.entries.get(key);
    return entry !== undefined && now - entry.at < this.ttlMs ? entry.value : undefined;
  }

  set(key: string, value: V, now = Date.now()): void {
    // Re-inserted so that insertion order stays age order, and the expired and the excess are at the front.
    this.entries.delete(key);
    this.entries.set(key, { value, at: now });
    for (const [oldest, entry] of this.entries) {
      if (this.entries.size <= this.max && now - entry.at < this.ttlMs) break;
      this.entries.delete(oldest);
    }
  }

  /** Removes `key` if it still holds `value` (a newer value set meanwhile stays). */
  deleteIf(key: string, value: V): void {
    if (this.entries.get(key)?.value === value) this.entries.delete(key);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
