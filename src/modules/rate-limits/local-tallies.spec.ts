import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { LocalTallies } from './local-tallies';

/** Runs one counted request: 'in memory', 'shared' (admitted by the store) or 'refused'. */
async function hit(tallies: LocalTallies, subject: string): Promise<'in memory' | 'shared' | 'refused'> {
  const pending = tallies.consume(subject);
  if (!pending) return 'in memory';
  try {
    await pending;
    return 'shared';
  } catch (rejection) {
    expect(rejection).toBeInstanceOf(RateLimiterRes);
    return 'refused';
  }
}

describe('LocalTallies', () => {
  it('admits exactly the budget in one process, asking the store for the first and for every request past half', async () => {
    const store = new RateLimiterMemory({ points: 10, duration: 60 });
    const tallies = new LocalTallies(store, 10);
    const outcomes: string[] = [];
    for (let i = 0; i < 12; i += 1) outcomes.push(await hit(tallies, 'a'));
    tallies.stop();
    expect(outcomes).toEqual(['shared', 'in memory', 'in memory', 'in memory', 'in memory', 'shared', 'shared', 'shared', 'shared', 'shared', 'refused', 'refused']);
    expect((await store.get('a'))?.consumedPoints).toBe(12);
  });

  it('adds what it counted in memory to the shared counter when it flushes', async () => {
    const store = new RateLimiterMemory({ points: 100, duration: 60 });
    const tallies = new LocalTallies(store, 100);
    for (let i = 0; i < 20; i += 1) await hit(tallies, 'b');
    expect((await store.get('b'))?.consumedPoints).toBe(1);
    await tallies.flush();
    tallies.stop();
    expect((await store.get('b'))?.consumedPoints).toBe(20);
  });

  it('sees counts other processes added once its own view nears the limit', async () => {
    const store = new RateLimiterMemory({ points: 10, duration: 60 });
    const here = new LocalTallies(store, 10);
    const there = new LocalTallies(store, 10);
    expect(await hit(here, 'c')).toBe('shared');
    for (let i = 0; i < 9; i += 1) await hit(there, 'c');
    await there.flush();
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i += 1) outcomes.push(await hit(here, 'c'));
    here.stop();
    there.stop();
    // Four admitted from memory below half the budget, then the store says the budget is spent.
    expect(outcomes).toEqual(['in memory', 'in memory', 'in memory', 'in memory', 'refused', 'refused']);
  });

  it('asks the store again once the window it knew has ended', async () => {
    const store = new RateLimiterMemory({ points: 10, duration: 60 });
    const tallies = new LocalTallies(store, 10);
    await hit(tallies, 'd');
    const later = Date.now() + 61_000;
    expect(tallies.consume('d', later)).toBeInstanceOf(Promise);
    tallies.stop();
  });
});
