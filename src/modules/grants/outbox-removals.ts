interface Batch {
  ids: string[];
  done: Promise<void>;
}

/**
 * Removes outbox rows whose effects went out, per tenant: ids handed in while a removal runs wait for the next one,
 * which takes them all in one statement (ten concurrent grant requests: one DELETE instead of ten). Each caller's
 * promise settles when the statement holding its ids has (rejects with it).
 */
export class OutboxRemovals {
  private readonly tenants = new Map<string, { running: Promise<void>; next?: Batch }>();

  constructor(private readonly remove: (tenantId: string, ids: string[]) => Promise<void>) {}

  add(tenantId: string, ids: string[]): Promise<void> {
    const state = this.tenants.get(tenantId);
    if (!state) return this.run(tenantId, ids);
    if (state.next) {
      state.next.ids.push(...ids);
      return state.next.done;
    }
    const batch: Batch = { ids: [...ids], done: Promise.resolve() };
    batch.done = state.running.catch(() => undefined).then(() => this.run(tenantId, batch.ids));
    state.next = batch;
    return batch.done;
  }

  private run(tenantId: string, ids: string[]): Promise<void> {
    const running: Promise<void> = this.remove(tenantId, ids).finally(() => {
      const state = this.tenants.get(tenantId);
      if (state?.running === running && !state.next) this.tenants.delete(tenantId);
    });
    this.tenants.set(tenantId, { running });
    return running;
  }
}
