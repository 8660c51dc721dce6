import { CoalescedPasses } from './coalesced-passes';

const turn = () => new Promise(setImmediate);

function passesEvery(
  intervalMs: number,
  pass: (ids: string[]) => Promise<unknown> = async () => {},
) {
  const seen: string[][] = [];
  const failures: unknown[] = [];
  const passes = new CoalescedPasses({
    intervalMs,
    pass: (ids) => {
      seen.push(ids);
      return pass(ids);
    },
    failed: (error) => failures.push(error),
  });
  return { passes, seen, failures };
}

describe('CoalescedPasses', () => {
  it('takes what is queued before the pass in one pass, each customer once', async () => {
    const { passes, seen } = passesEvery(0);
    passes.enqueue(['a', 'b']);
    passes.enqueue(['b', 'c']);
    await passes.flush();
    expect(seen).toEqual([['a', 'b', 'c']]);
  });

  it('starts passes at least the interval apart, and what waits meanwhile goes in one', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'performance'] });
    try {
      const { passes, seen } = passesEvery(60_000);
      passes.enqueue(['a']);
      await turn();
      await turn();
      expect(seen).toEqual([['a']]);
      passes.enqueue(['b']);
      passes.enqueue(['c']);
      await turn();
      jest.advanceTimersByTime(30_000);
      await turn();
      expect(seen).toEqual([['a']]);
      jest.advanceTimersByTime(31_000);
      await turn();
      expect(seen).toEqual([['a'], ['b', 'c']]);
      await passes.flush();
    } finally {
      jest.useRealTimers();
    }
  });

  it('runs what is queued at once when flushed, with no pause', async () => {
    const { passes, seen } = passesEvery(60_000);
    passes.enqueue(['a']);
    await passes.flush();
    passes.enqueue(['b']);
    await passes.flush(); // would wait a minute if flush kept the interval
    expect(seen).toEqual([['a'], ['b']]);
  });

  it('reports a failed pass and still runs the next one', async () => {
    const { passes, seen, failures } = passesEvery(0, async (ids) => {
      if (ids.includes('bad')) throw new Error('boom');
    });
    passes.enqueue(['bad']);
    await passes.flush();
    passes.enqueue(['good']);
    await passes.flush();
    expect(seen).toEqual([['bad'], ['good']]);
    expect(failures).toEqual([new Error('boom')]);
  });
});
