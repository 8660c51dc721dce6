import { retryAfterMs } from './salesforce-transport';
import { DEFAULT_RETRY_AFTER_MS } from './salesforce-options';

describe('Retry-After', () => {
  const now = Date.parse('2026-03-02T10:00:00Z');

  it('reads delta-seconds and HTTP dates', () => {
    expect(retryAfterMs('7', now)).toBe(7_000);
    expect(retryAfterMs('Mon, 02 Mar 2026 10:00:30 GMT', now)).toBe(30_000);
  });

  it('falls back to the default when absent or unreadable', () => {
    expect(retryAfterMs(undefined, now)).toBe(DEFAULT_RETRY_AFTER_MS);
    expect(retryAfterMs('soon', now)).toBe(DEFAULT_RETRY_AFTER_MS);
  });
});
