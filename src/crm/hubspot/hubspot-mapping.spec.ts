import { CrmPermanentError, CrmRateLimitedError, CrmTransientError } from '../crm-provider';
import { recordFailures } from './hubspot-batches';
import { toCrmError } from './hubspot-errors';
import { ExpansionOpportunity, UpsellTask } from '../crm-provider';
import { companyProperties, dealProperties, taskProperties } from './hubspot-records';

const apiError = (code: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error('HTTP error'), { code, body: { message: 'nope' }, headers });

describe('toCrmError', () => {
  it('waits Retry-After seconds on 429, else the rate-limit interval', () => {
    const retry = toCrmError(apiError(429, { 'retry-after': '3' }));
    expect(retry).toBeInstanceOf(CrmRateLimitedError);
    expect((retry as CrmRateLimitedError).retryAfterMs).toBe(3000);
    const interval = toCrmError(
      apiError(429, { 'x-hubspot-ratelimit-interval-milliseconds': '10000' }),
    );
    expect((interval as CrmRateLimitedError).retryAfterMs).toBe(10_000);
  });

  it('retries 5xx and network failures, gives up on 4xx', () => {
    expect(toCrmError(apiError(502))).toBeInstanceOf(CrmTransientError);
    expect(toCrmError(new Error('socket hang up'))).toBeInstanceOf(CrmTransientError);
    for (const code of [400, 401, 403])
      expect(toCrmError(apiError(code))).toBeInstanceOf(CrmPermanentError);
  });
});

describe('HubSpot records', () => {
  it('maps usage figures to company properties; null clears one', () => {
    expect(
      companyProperties({ accountId: '1', properties: { percentOfLimit: '85', mrr: null } }),
    ).toEqual({ usage_percent_of_limit: '85', usage_mrr: '' });
  });

  const deal: ExpansionOpportunity = {
    externalKey: 'c1:usage_limit',
    accountId: '1',
    ownerId: null,
    name: 'Expansion',
    amount: '1800',
    currency: 'USD',
    closeDate: new Date('2026-04-01T00:00:00Z'),
    description: '',
    requestedByCustomer: false,
  };

  it('never writes pipeline or stage on a deal update', () => {
    const properties = dealProperties(deal);
    expect(properties).toMatchObject({ usage_external_key: 'c1:usage_limit', amount: '1800' });
    expect(properties).not.toHaveProperty('dealstage');
    expect(properties).not.toHaveProperty('hubspot_owner_id');
  });

  it('marks a customer’s request highest priority; leaves an alert deal’s priority to sales', () => {
    expect(dealProperties({ ...deal, requestedByCustomer: true })).toMatchObject({
      hs_priority: 'high',
    });
    expect(dealProperties(deal)).not.toHaveProperty('hs_priority');
    const task: UpsellTask = {
      externalKey: 'request:1',
      accountId: '1',
      ownerId: null,
      subject: 'Customer request',
      body: '',
      dueAt: new Date('2026-04-01T00:00:00Z'),
      requestedByCustomer: true,
    };
    expect(taskProperties(task).hs_task_priority).toBe('HIGH');
    expect(taskProperties({ ...task, requestedByCustomer: false }).hs_task_priority).toBe('MEDIUM');
  });

  it('reads per-record failures from a 207 answer', () => {
    const answer = {
      errors: [
        { category: 'OBJECT_NOT_FOUND', message: 'gone', context: { ids: ['7'] } },
        { category: 'VALIDATION_ERROR', message: 'bad', context: { ids: ['8'] } },
      ],
    };
    expect(recordFailures(answer)).toEqual([
      { key: '7', message: 'OBJECT_NOT_FOUND: gone', retriable: true },
      { key: '8', message: 'VALIDATION_ERROR: bad', retriable: false },
    ]);
  });
});
