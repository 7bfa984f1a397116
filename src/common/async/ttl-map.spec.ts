import { TtlMap } from './ttl-map';

describe('TtlMap', () => {
  it('gives a value until its time is up', () => {
    const map = new TtlMap<number>(1000, 10);
    map.set('a', 1, 0);
    expect(map.get('a', 999)).toBe(1);
    expect(map.get('a', 1000)).toBeUndefined();
  });

  it('stays within its bound however many distinct keys are set, dropping the oldest first', () => {
    const map = new TtlMap<number>(60_000, 100);
    for (let i = 0; i < 10_000; i += 1) map.set(`tenant-${i}`, i, i);
    expect(map.size).toBe(100);
    expect(map.get('tenant-9999', 10_000)).toBe(9999);
    expect(map.get('tenant-9899', 10_000)).toBeUndefined();
  });

  it('drops expired entries when new ones are set, so a burst of keys does not stay', () => {
    const map = new TtlMap<number>(1000, 100);
    for (let i = 0; i < 50; i += 1) map.set(`burst-${i}`, i, 0);
    map.set('later', 1, 5000);
    expect(map.size).toBe(1);
  });

  it('refreshing a key moves it to the back, and deleteIf leaves a newer value alone', () => {
    const map = new TtlMap<string>(1000, 2);
    map.set('a', 'old', 0);
    map.set('b', 'b', 1);
    map.set('a', 'new', 2);
    map.set('c', 'c', 3);
    expect(map.get('b', 3)).toBeUndefined();
    map.deleteIf('a', 'old');
    expect(map.get('a', 3)).toBe('new');
    map.deleteIf('a', 'new');
    expect(map.get('a', 3)).toBeUndefined();
  });
});
