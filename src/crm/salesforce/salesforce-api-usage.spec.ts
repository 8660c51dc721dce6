import { CrmRateLimitedError } from '../crm-provider';
import { SalesforceApiUsage } from './salesforce-api-usage';

describe('SalesforceApiUsage', () => {
  it('does not slow down well under the allocation, nor before it knows it', () => {
    const usage = new SalesforceApiUsage();
    expect(usage.beforeRequest()).toBe(0);
    usage.observe('api-usage=10018/100000; per-app-api-usage=17/250(appName=sync)');
    expect(usage.beforeRequest()).toBe(0);
  });

  it('spreads what is left above 75 % over a day, and stops at the 10 % reserve', () => {
    const usage = new SalesforceApiUsage();
    usage.observe('api-usage=80000/100000');
    // 90 000 usable − 80 000 used = 10 000 requests over 24 h: one every 8.64 s.
    expect(usage.beforeRequest()).toBe(8640);
    usage.observe('api-usage=90000/100000');
    const refusal = usage.beforeRequest();
    expect(refusal).toBeInstanceOf(CrmRateLimitedError);
    expect(usage.limitExceeded).toBe(1);
  });

  it('doubles the wait for each REQUEST_LIMIT_EXCEEDED in a row, up to an hour, and counts them', () => {
    const usage = new SalesforceApiUsage();
    const waits = Array.from({ length: 8 }, () => usage.refused('403').retryAfterMs);
    expect(waits).toEqual([60, 120, 240, 480, 960, 1920, 3600, 3600].map((s) => s * 1000));
    expect(usage.limitExceeded).toBe(8);
    usage.accepted();
    expect(usage.refused('403').retryAfterMs).toBe(60_000);
  });
});
