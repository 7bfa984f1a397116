import { BucketMemo } from './bucket-memo';

describe('BucketMemo', () => {
  it('holds a bucket for the connection it was added on, and not within two seconds of its time', () => {
    const memo = new BucketMemo();
    memo.remember(10_000, 1, 0);
    expect(memo.has(10_000, 1, 0)).toBe(true);
    expect(memo.has(10_000, 2, 0)).toBe(false);
    expect(memo.has(10_100, 1, 0)).toBe(false);
    expect(memo.has(10_000, 1, 8_000)).toBe(false);
  });

  it('lists the buckets still to run and forgets the past ones', () => {
    const memo = new BucketMemo();
    for (const dueAt of [1_000, 2_000, 3_000]) memo.remember(dueAt, 1, 0);
    expect(memo.pending(1_500)).toEqual([2_000, 3_000]);
    expect(memo.size).toBe(2);
  });
});
