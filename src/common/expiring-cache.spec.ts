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

  describe('getOrLoad', () => {
    /** A load whose answer the test gives, counting how often it was asked. */
    function pendingLoads() {
      const answers: Array<(value: number | null) => void> = [];
      const load = jest.fn(
        () => new Promise<number | null>((resolveLoad) => answers.push(resolveLoad)),
      );
      return { load, answer: (value: number | null) => answers.shift()?.(value) };
    }

    it('reads once for every caller that misses while a read is under way', async () => {
      const cache = new ExpiringCache<string, number>(100, 10, time);
      const { load, answer } = pendingLoads();
      const callers = [cache.getOrLoad('a', load), cache.getOrLoad('a', load)];
      answer(7);
      expect(await Promise.all(callers)).toEqual([7, 7]);
      expect(load).toHaveBeenCalledTimes(1);
      expect(await cache.getOrLoad('a', load)).toBe(7);
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('answers an entry late in its life at once and reads it again once, in the background', async () => {
      const cache = new ExpiringCache<string, number>(100, 10, time);
      cache.set('a', 1);
      now += 49; // before its refresh time, drawn between half and nine tenths of its life
      const { load, answer } = pendingLoads();
      expect(await cache.getOrLoad('a', load)).toBe(1);
      expect(load).not.toHaveBeenCalled();
      now += 41;
      expect(await cache.getOrLoad('a', load)).toBe(1);
      expect(await cache.getOrLoad('a', load)).toBe(1);
      expect(load).toHaveBeenCalledTimes(1);
      answer(2);
      await Promise.resolve();
      now += 20; // past the first entry's life, within the new one's
      expect(await cache.getOrLoad('a', load)).toBe(2);
    });

    it('keeps answering an entry whose background read failed until it expires, then reports the error', async () => {
      const cache = new ExpiringCache<string, number>(100, 10, time);
      cache.set('a', 1);
      now += 90;
      const failing = jest.fn(() => Promise.reject(new Error('database down')));
      expect(await cache.getOrLoad('a', failing)).toBe(1);
      await new Promise(setImmediate);
      expect(await cache.getOrLoad('a', failing)).toBe(1);
      now += 10;
      await expect(cache.getOrLoad('a', failing)).rejects.toThrow('database down');
    });

    it('never remembers null, and a null read drops what was remembered', async () => {
      const cache = new ExpiringCache<string, number>(100, 10, time);
      const none = jest.fn(() => Promise.resolve(null));
      expect(await cache.getOrLoad('a', none)).toBeNull();
      expect(await cache.getOrLoad('a', none)).toBeNull();
      expect(none).toHaveBeenCalledTimes(2);
      cache.set('b', 1);
      now += 90;
      expect(await cache.getOrLoad('b', none)).toBe(1); // answered while read again
      await new Promise(setImmediate);
      expect(cache.get('b')).toBeUndefined();
    });

    it('neither remembers nor shares a read that an invalidation raced', async () => {
      const cache = new ExpiringCache<string, number>(100, 10, time);
      const { load, answer } = pendingLoads();
      const before = cache.getOrLoad('a', load);
      cache.deleteWhere(() => true);
      const after = cache.getOrLoad('a', load);
      expect(load).toHaveBeenCalledTimes(2);
      answer(1);
      answer(2);
      expect([await before, await after]).toEqual([1, 2]);
      expect(cache.get('a')).toBe(2);
    });

    it('reads again for an entry the caller cannot use, and for a shared read made for another caller', async () => {
      const cache = new ExpiringCache<string, number>(100, 10, time);
      cache.set('a', 1);
      const load = jest.fn(() => Promise.resolve(5));
      expect(await cache.getOrLoad('a', load, (value) => value > 1)).toBe(5);
      const { load: slow, answer } = pendingLoads();
      cache.clear();
      const first = cache.getOrLoad('a', slow);
      const second = cache.getOrLoad('a', load, (value) => value > 3);
      answer(3);
      expect([await first, await second]).toEqual([3, 5]);
    });

    it('reads on every call with a time to live of 0', async () => {
      const cache = new ExpiringCache<string, number>(0, 10, time);
      const { load, answer } = pendingLoads();
      const callers = [cache.getOrLoad('a', load), cache.getOrLoad('a', load)];
      answer(1);
      answer(2);
      expect(await Promise.all(callers)).toEqual([1, 2]);
    });
  });
});
