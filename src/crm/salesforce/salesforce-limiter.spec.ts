import { SalesforceConfig } from '../../config/app-config';
import { salesforceLimiter } from './salesforce-limiter';

const config: SalesforceConfig = {
  instanceUrl: 'https://example.my.salesforce.com',
  accessToken: 'token',
  loginUrl: 'https://login.salesforce.com',
  jwtAudience: 'https://login.salesforce.com',
  clientId: undefined,
  clientSecret: undefined,
  username: undefined,
  privateKey: undefined,
  apiVersion: '62.0',
  opportunityStage: 'Prospecting',
  dailyRequestLimit: 100_000,
  maxConcurrency: 2,
  rateLimit: null,
};

/**
 * Starts `count` calls of `ms` each on fake timers (performance.now included)
 * and returns the most that ran at once and when each started.
 */
async function run(limiter: ReturnType<typeof salesforceLimiter>, count: number, ms: number) {
  const started = performance.now();
  let running = 0;
  let most = 0;
  const starts: number[] = [];
  const calls = Promise.all(
    Array.from({ length: count }, () =>
      limiter.schedule(async () => {
        starts.push(performance.now() - started);
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, ms));
        running -= 1;
      }),
    ),
  );
  await jest.runAllTimersAsync();
  await calls;
  return { most, starts };
}

describe('salesforceLimiter', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('keeps at most SALESFORCE_MAX_CONCURRENCY calls in flight', async () => {
    expect((await run(salesforceLimiter(config), 6, 10)).most).toBe(2);
  });

  it('paces a configured short window on top of the daily limit', async () => {
    const limiter = salesforceLimiter({ ...config, rateLimit: { requests: 2, intervalMs: 200 } });
    const { starts } = await run(limiter, 3, 1);
    // The third call waits for the first answer (at 1 ms) to leave the 200 ms window.
    expect(starts).toEqual([0, 0, 201]);
  });
});
