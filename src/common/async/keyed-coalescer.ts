interface Entry<T> {
  /** Settles when the last run started for this key has finished. */
  tail: Promise<unknown>;
  /** The run that has not started yet, shared by everyone who asks before it starts. */
  queued: Promise<T> | null;
}

const ignore = (): void => undefined;

/**
 * Runs `task(key)` with at most one run in flight per key. A caller arriving while a run is in flight gets the next
 * run, which starts after the current one ends, so it sees everything the caller saw; all callers arriving before
 * that next run starts share it. Many requests for the same work collapse into few runs, and none is answered by a
 * run that started before it asked.
 */
export class KeyedCoalescer<T> {
  private readonly entries = new Map<string, Entry<T>>();

  constructor(private readonly task: (key: string) => Promise<T>) {}

  run(key: string): Promise<T> {
    let entry = this.entries.get(key);
    if (entry?.queued) return entry.queued;
    if (!entry) {
      entry = { tail: Promise.resolve(), queued: null };
      this.entries.set(key, entry);
    }
    const current = entry;
    const result = current.tail.then(() => {
      current.queued = null;
      return this.task(key);
    });
    current.queued = result;
    const tail = result.then(ignore, ignore);
    current.tail = tail;
    void tail.then(() => {
      if (current.tail === tail && this.entries.get(key) === current) this.entries.delete(key);
    });
    return result;
  }

  get pendingKeys(): number {
    return this.entries.size;
  }
}
