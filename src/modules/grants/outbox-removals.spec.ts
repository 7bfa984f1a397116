import { OutboxRemovals } from './outbox-removals';

describe('OutboxRemovals', () => {
  it('takes the ids handed in while a removal runs in one next removal, per tenant', async () => {
    const calls: [string, string[]][] = [];
    let release: () => void = () => undefined;
    const removals = new OutboxRemovals((tenantId, ids) => {
      calls.push([tenantId, [...ids]]);
      return calls.length === 1 ? new Promise<void>((resolve) => (release = resolve)) : Promise.resolve();
    });
    const first = removals.add('t1', ['a']);
    const waiting = [removals.add('t1', ['b']), removals.add('t1', ['c', 'd'])];
    const other = removals.add('t2', ['x']);
    expect(calls).toEqual([['t1', ['a']], ['t2', ['x']]]);
    release();
    await Promise.all([first, ...waiting, other]);
    expect(calls).toEqual([['t1', ['a']], ['t2', ['x']], ['t1', ['b', 'c', 'd']]]);
    await removals.add('t1', ['e']);
    expect(calls[calls.length - 1]).toEqual(['t1', ['e']]);
  });

  it('rejects the callers of a failed removal and goes on with the next', async () => {
    let fail = true;
    const removals = new OutboxRemovals(async () => {
      if (fail) throw new Error('database away');
    });
    const failed = removals.add('t1', ['a']);
    fail = false;
    const next = removals.add('t1', ['b']);
    await expect(failed).rejects.toThrow('database away');
    await expect(next).resolves.toBeUndefined();
  });
});
