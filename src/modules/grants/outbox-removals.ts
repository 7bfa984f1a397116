/** An outbox row whose effects went out. */
export interface OutboxKey {
  tenantId: string;
  id: string;
}

interface Batch {
  rows: OutboxKey[];
  done: Promise<void>;
}

/**
 * Removes outbox rows whose effects went out: rows handed in while a removal runs wait for the next one, which
 * takes them all in one statement, whatever their tenants (ten concurrent grant requests, or the expiry passes of
 * many tenants: one DELETE instead of one each). Each caller's promise settles when the statement holding its rows
 * has (rejects with it).
 */
export class OutboxRemovals {
  private running: Promise<void> | null = null;
  private next: Batch | null = null;

  constructor(private readonly remove: (rows: OutboxKey[]) => Promise<void>) {}

  add(rows: OutboxKey[]): Promise<void> {
    if (!this.running) return this.run(rows);
    if (this.next) {
      this.next.rows.push(...rows);
      return this.next.done;
    }
    const batch: Batch = { rows: [...rows], done: Promise.resolve() };
    batch.done = this.running
      .catch(() => undefined)
      .then(() => {
        this.next = null;
        return this.run(batch.rows);
      });
    this.next = batch;
    return batch.done;
  }

  private run(rows: OutboxKey[]): Promise<void> {
    const running: Promise<void> = this.remove(rows).finally(() => {
      if (this.running === running) this.running = null;
    });
    this.running = running;
    return running;
  }
}
