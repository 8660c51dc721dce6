import { DEFAULT_RETRY_POLICY } from '../config/outbox-retry';
import { retryDelayMs } from './retry-policy';

describe('retryDelayMs', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 10_000 };

  it('doubles after each attempt, between half the ceiling and the ceiling', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, () => 0))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, policy, () => 1))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
  });

  it('never waits longer than the cap', () => {
    expect(retryDelayMs(20, policy, () => 1)).toBe(10_000);
    expect(retryDelayMs(20, policy, () => 0)).toBe(5000);
  });

  it('waits at most an hour by default', () => {
    const delays = Array.from({ length: DEFAULT_RETRY_POLICY.maxAttempts }, (_, i) =>
      retryDelayMs(i + 1, DEFAULT_RETRY_POLICY),
    );
    expect(Math.max(...delays)).toBeLessThanOrEqual(3_600_000);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(15_000);
  });
});
