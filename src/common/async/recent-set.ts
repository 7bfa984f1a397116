/** A set that forgets its members after `ttlMs`, and its oldest members beyond `max`. */
export class RecentSet {
  private readonly added = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly max: number,
  ) {}

  add(value: string, now = Date.now()): void {
    this.added.delete(value);
    this.added.set(value, now);
    this.prune(now);
  }

  has(value: string, now = Date.now()): boolean {
    const at = this.added.get(value);
    return at !== undefined && now - at < this.ttlMs;
  }

  get size(): number {
    return this.added.size;
  }

  /** Insertion order is age order, so the expired and the excess are always at the front. */
  private prune(now: number): void {
    for (const [value, at] of this.added) {
      if (this.added.size <= this.max && now - at < this.ttlMs) return;
      this.added.delete(value);
    }
  }
}
