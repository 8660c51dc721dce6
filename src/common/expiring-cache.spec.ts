import { ExpiringCache } from './expiring-cache';

describe('ExpiringCache', () => {
  let now = 0;
  const time = () => now;
  beforeEach(() => (now = 1_000));

  it('answers an entry until its time to live has passed, then misses', () => {
    const cache = new ExpiringCache<string, number>(100, 10, time);
    cache.set('a', 1);
    now += 99;
    expect(cache.get('a')).toBe(1);
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('restarts the time to live when an entry is set again', () => {
    const cache = new ExpiringCache<string, number>(100, 10, time);
    cache.set('a', 1);
    now += 60;
    cache.set('a', 2);
    now += 60;
    expect(cache.get('a')).toBe(2);
  });

  it('evicts the entry set longest ago when full', () => {
    const cache = new ExpiringCache<string, number>(100, 2, time);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 3); // set again: now the newest
    cache.set('c', 4);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([3, undefined, 4]);
    expect(cache.size).toBe(2);
  });

  it('keeps nothing with a time to live of 0', () => {
    const cache = new ExpiringCache<string, number>(0, 10, time);
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
  });

  it('deletes one key, the keys whose value matches, or all', () => {
    const cache = new ExpiringCache<string, number>(100, 10, time);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    cache.delete('a');
    cache.deleteWhere((value) => value === 2);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, undefined, 3]);
    cache.clear();
    expect(cache.size).toBe(0);
  });
});
