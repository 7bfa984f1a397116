import { OutboxKey, OutboxRemovals } from './outbox-removals';

const keys = (tenantId: string, ...ids: string[]): OutboxKey[] => ids.map((id) => ({ tenantId, id }));

describe('OutboxRemovals', () => {
  it('takes the rows handed in while a removal runs, of any tenant, in one next removal', async () => {
    const calls: OutboxKey[][] = [];
    let release: () => void = () => undefined;
    const removals = new OutboxRemovals((rows) => {
      calls.push([...rows]);
      return calls.length === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
    });
    const first = removals.add(keys('t1', 'a'));
    const waiting = [removals.add(keys('t1', 'b')), removals.add(keys('t2', 'x', 'y')), removals.add(keys('t1', 'c'))];
    expect(calls).toEqual([keys('t1', 'a')]);
    release();
    await Promise.all([first, ...waiting]);
    expect(calls).toEqual([keys('t1', 'a'), [...keys('t1', 'b'), ...keys('t2', 'x', 'y'), ...keys('t1', 'c')]]);
    await removals.add(keys('t3', 'e'));
    expect(calls[calls.length - 1]).toEqual(keys('t3', 'e'));
  });

  it('rejects the callers of a failed removal and goes on with the next', async () => {
    let fail = true;
    const removals = new OutboxRemovals(async () => {
      if (fail) throw new Error('database away');
    });
    const failed = removals.add(keys('t1', 'a'));
    fail = false;
    const next = removals.add(keys('t1', 'b'));
    await expect(failed).rejects.toThrow('database away');
    await expect(next).resolves.toBeUndefined();
    await expect(removals.add(keys('t1', 'c'))).resolves.toBeUndefined();
  });

  it('with a window, takes the rows handed in within it in one removal, and drain removes what waits at once', async () => {
    const calls: OutboxKey[][] = [];
    const removals = new OutboxRemovals(async (rows) => {
      calls.push([...rows]);
    }, 60_000);
    const waiting = [removals.add(keys('t1', 'a')), removals.add(keys('t2', 'b'))];
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls).toEqual([]);
    await removals.drain();
    await Promise.all(waiting);
    expect(calls).toEqual([[...keys('t1', 'a'), ...keys('t2', 'b')]]);
    const windowed = new OutboxRemovals(async (rows) => {
      calls.push([...rows]);
    }, 5);
    await Promise.all([windowed.add(keys('t3', 'c')), windowed.add(keys('t3', 'd'))]);
    expect(calls[calls.length - 1]).toEqual(keys('t3', 'c', 'd'));
    await expect(removals.drain()).resolves.toBeUndefined();
  });
});
