import { RateLimiter } from './rate-limiter';

describe('RateLimiter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('lets `requests` calls through per window, dated from their answers', async () => {
    let now = 0;
    const limiter = new RateLimiter({ requests: 2, intervalMs: 1000 }, () => now);
    const started: number[] = [];
    const call = () => limiter.schedule(async () => started.push(now));
    await call();
    await call();
    const third = call();
    await jest.advanceTimersByTimeAsync(0);
    expect(started).toEqual([0, 0]);
    now = 1000;
    await jest.advanceTimersByTimeAsync(1000);
    await third;
    expect(started).toEqual([0, 0, 1000]);
  });

  it('caps the calls in flight', async () => {
    const limiter = new RateLimiter({ requests: 100, intervalMs: 1000, concurrency: 1 });
    let running = 0;
    let most = 0;
    const calls = Promise.all(
      [1, 2, 3].map(() =>
        limiter.schedule(async () => {
          most = Math.max(most, ++running);
          await new Promise((resolve) => setTimeout(resolve, 5));
          running -= 1;
        }),
      ),
    );
    await jest.runAllTimersAsync();
    await calls;
    expect(most).toBe(1);
  });
});
