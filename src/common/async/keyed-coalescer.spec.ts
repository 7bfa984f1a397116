import { KeyedCoalescer } from './keyed-coalescer';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('KeyedCoalescer', () => {
  it('shares one run among callers that ask before it starts', async () => {
    const runs: string[] = [];
    const coalescer = new KeyedCoalescer(async (key) => {
      runs.push(key);
      return runs.length;
    });
    const results = await Promise.all([coalescer.run('a'), coalescer.run('a'), coalescer.run('a')]);
    expect(results).toEqual([1, 1, 1]);
    expect(runs).toEqual(['a']);
  });

  it('gives a caller arriving during a run the next run, started after the current one ends', async () => {
    const gates = [deferred<string>(), deferred<string>()];
    let started = 0;
    const coalescer = new KeyedCoalescer(() => gates[started++].promise);
    const first = coalescer.run('a');
    await flush();
    expect(started).toBe(1);
    const second = coalescer.run('a');
    const third = coalescer.run('a');
    await flush();
    expect(started).toBe(1);
    gates[0].resolve('one');
    await expect(first).resolves.toBe('one');
    await flush();
    expect(started).toBe(2);
    gates[1].resolve('two');
    await expect(second).resolves.toBe('two');
    await expect(third).resolves.toBe('two');
  });

  it('runs different keys independently', async () => {
    const gate = deferred<void>();
    const started: string[] = [];
    const coalescer = new KeyedCoalescer(async (key) => {
      started.push(key);
      if (key === 'a') await gate.promise;
      return key;
    });
    const a = coalescer.run('a');
    await expect(coalescer.run('b')).resolves.toBe('b');
    expect(started).toEqual(['a', 'b']);
    gate.resolve();
    await expect(a).resolves.toBe('a');
  });

  it('passes a failure to the callers of that run only, and runs again afterwards', async () => {
    let calls = 0;
    const coalescer = new KeyedCoalescer(async () => {
      calls += 1;
      if (calls === 1) throw new Error('first run failed');
      return calls;
    });
    await expect(coalescer.run('a')).rejects.toThrow('first run failed');
    await expect(coalescer.run('a')).resolves.toBe(2);
  });

  it('forgets a key once its runs are over', async () => {
    const coalescer = new KeyedCoalescer(async () => 1);
    await coalescer.run('a');
    await flush();
    expect(coalescer.pendingKeys).toBe(0);
  });
});
