import { SalesforceConfig } from '../../config/app-config';
import { allOf, CallScheduler, RateLimiter } from '../rate-limiter';

const DAY_MS = 86_400_000;

/**
 * The integration's share of the org's rolling 24 h allotment, at most
 * SALESFORCE_MAX_CONCURRENCY in flight, and the optional short window.
 */
export function salesforceLimiter(sf: SalesforceConfig): CallScheduler {
  const daily = new RateLimiter({
    requests: sf.dailyRequestLimit,
    intervalMs: DAY_MS,
    concurrency: sf.maxConcurrency,
  });
  return sf.rateLimit ? allOf(daily, new RateLimiter(sf.rateLimit)) : daily;
}
