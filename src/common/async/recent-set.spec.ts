import { RecentSet } from './recent-set';

describe('RecentSet', () => {
  it('holds a member until its time is up', () => {
    const set = new RecentSet(1000, 10);
    set.add('a', 0);
    expect(set.has('a', 999)).toBe(true);
    expect(set.has('a', 1000)).toBe(false);
    expect(set.has('b', 0)).toBe(false);
  });

  it('drops the oldest members beyond its size', () => {
    const set = new RecentSet(60_000, 2);
    set.add('a', 0);
    set.add('b', 1);
    set.add('c', 2);
    expect([set.has('a', 3), set.has('b', 3), set.has('c', 3)]).toEqual([false, true, true]);
    expect(set.size).toBe(2);
  });

  it('drops expired members as new ones arrive', () => {
    const set = new RecentSet(100, 10);
    set.add('a', 0);
    set.add('b', 50);
    set.add('c', 120);
    expect(set.size).toBe(2);
  });

  it('renews a member added again', () => {
    const set = new RecentSet(100, 2);
    set.add('a', 0);
    set.add('b', 10);
    set.add('a', 20);
    set.add('c', 30);
    expect([set.has('a', 40), set.has('b', 40), set.has('c', 40)]).toEqual([true, false, true]);
  });
});
