import { BatchedLoads } from './batched-loads';

describe('BatchedLoads', () => {
  it('answers the requests of one turn of the event loop with one call, each at its index', async () => {
    const loadAll = jest.fn((requests: readonly number[]) =>
      Promise.resolve(requests.map((request) => request * 10)),
    );
    const loads = new BatchedLoads(loadAll);
    const answers = await Promise.all([loads.load(1), loads.load(2), loads.load(3)]);
    expect(answers).toEqual([10, 20, 30]);
    expect(loadAll).toHaveBeenCalledTimes(1);
    expect(await loads.load(4)).toBe(40);
    expect(loadAll).toHaveBeenCalledTimes(2);
  });

  it('holds what is asked while two calls are under way, then answers it in one, at most 500 a call', async () => {
    const calls: Array<{ requests: readonly number[]; answer: () => void }> = [];
    const loads = new BatchedLoads(
      (requests: readonly number[]) =>
        new Promise<number[]>((resolve) =>
          calls.push({ requests, answer: () => resolve([...requests]) }),
        ),
    );
    const turn = () => new Promise(setImmediate);
    const first = loads.load(0);
    await turn();
    const second = loads.load(1);
    await turn();
    const held = Array.from({ length: 501 }, (_, i) => loads.load(i + 2));
    await turn();
    expect(calls.map((call) => call.requests.length)).toEqual([1, 1]);
    calls[0].answer();
    expect(await first).toBe(0);
    await turn();
    expect(calls.map((call) => call.requests.length)).toEqual([1, 1, 500]);
    calls[1].answer();
    expect(await second).toBe(1);
    await turn();
    expect(calls.map((call) => call.requests.length)).toEqual([1, 1, 500, 1]);
    calls[2].answer();
    calls[3].answer();
    expect(await Promise.all(held)).toEqual(Array.from({ length: 501 }, (_, i) => i + 2));
  });

  it('fails every request of a failed call, and answers the next turn afresh', async () => {
    let fail = true;
    const loads = new BatchedLoads((requests: readonly number[]) =>
      fail ? Promise.reject(new Error('down')) : Promise.resolve([...requests]),
    );
    const failed = [loads.load(1), loads.load(2)];
    await expect(failed[0]).rejects.toThrow('down');
    await expect(failed[1]).rejects.toThrow('down');
    fail = false;
    expect(await loads.load(3)).toBe(3);
  });
});
