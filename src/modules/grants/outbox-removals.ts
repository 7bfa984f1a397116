/** An outbox row whose effects went out. */
export interface OutboxKey {
  tenantId: string;
  id: string;
}

interface Batch {
  rows: OutboxKey[];
  done: Promise<void>;
  start: () => void;
}

/**
 * Removes outbox rows whose effects went out, off the answer's path: rows handed in within `windowMs` of each other,
 * and while a removal runs, go in one statement, whatever their tenants (a hundred grant requests, or the expiry
 * passes of many tenants: one DELETE instead of one each). Each caller's promise settles when the statement holding
 * its rows has (rejects with it). A row not yet removed only means its effects are replayed (they are idempotent).
 */
export class OutboxRemovals {
  private running: Promise<void> | null = null;
  private next: Batch | null = null;
  private timer: NodeJS.Timeout | null = null;

  /** `windowMs`: how long the first row of a batch waits for others (0: only while a removal runs). */
  constructor(
    private readonly remove: (rows: OutboxKey[]) => Promise<void>,
    private readonly windowMs = 0,
  ) {}

  add(rows: OutboxKey[]): Promise<void> {
    if (this.next) {
      this.next.rows.push(...rows);
      return this.next.done;
    }
    if (!this.running && this.windowMs === 0) return this.run(rows);
    let start: () => void = () => undefined;
    const begun = new Promise<void>((resolve) => (start = resolve));
    const batch: Batch = { rows: [...rows], done: Promise.resolve(), start };
    batch.done = begun.then(() => {
      if (this.next === batch) this.next = null;
      return this.run(batch.rows);
    });
    this.next = batch;
    if (this.running) void this.running.catch(() => undefined).then(() => this.release(batch));
    else this.wait(batch);
    return batch.done;
  }

  /** Removes what is waiting now, and resolves once every removal handed in so far has settled (shutdown). */
  async drain(): Promise<void> {
    const batch = this.next;
    if (batch) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = null;
      batch.start();
    }
    await Promise.allSettled([this.running, batch?.done]);
  }

  private wait(batch: Batch): void {
    this.timer = setTimeout(() => {
      this.timer = null;
      batch.start();
    }, this.windowMs);
    this.timer.unref();
  }

  /** After a removal: the batch that gathered meanwhile starts at once when its window has passed. */
  private release(batch: Batch): void {
    if (this.next !== batch || this.timer) return;
    batch.start();
  }

  private run(rows: OutboxKey[]): Promise<void> {
    const running: Promise<void> = this.remove(rows).finally(() => {
      if (this.running === running) this.running = null;
    });
    this.running = running;
    return running;
  }
}
