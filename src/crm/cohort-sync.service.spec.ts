import { DataSource } from 'typeorm';
import { AnalyticsService } from '../analytics/metrics/analytics.service';
import {
  CustomerRetention,
  CustomerRetentionRepository,
} from '../analytics/metrics/customer-retention.repository';
import { Cohort } from '../analytics/metrics/revenue-metrics';
import { Month } from '../analytics/month';
import { ManualClock } from '../common/clock';
import { Decimal } from '../common/decimal';
import { ValidationFailedError } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { NewOutboxMessage } from '../outbox/outbox-message';
import { OutboxService } from '../outbox/outbox.service';
import { CohortSyncService } from './cohort-sync.service';

/**
 * The cohort sync's decisions with in-memory fakes of analytics, its
 * repository and the outbox: which month, what it enqueues, and that a month
 * is sent once. The SQL and the delivery are tested end to end
 * (test/e2e/crm-cohorts.e2e-spec.ts).
 */
const d = (value: string | number) => new Decimal(value);

/** The January cohort followed to February: two customers, 100 then 110 of MRR. */
const january: Cohort = {
  cohort: '2026-01',
  customers: 2,
  startingMrr: d(100),
  months: [
    {
      offset: 0,
      month: '2026-01',
      revenueRetention: '100',
      logoRetention: '100',
      activeCustomers: 2,
      mrr: d(100),
    },
    {
      offset: 1,
      month: '2026-02',
      revenueRetention: '110',
      logoRetention: '50',
      activeCustomers: 1,
      mrr: d(110),
    },
  ],
};

const recent: CustomerRetention[] = [
  { customerId: 'cus-1', startingMrr: d(60), currentMrr: d(110) },
  { customerId: 'cus-2', startingMrr: d(40), currentMrr: d(0) },
];

function cohortSyncAt(now: string, env: Record<string, string> = {}) {
  const enqueued = new Map<string, NewOutboxMessage>();
  const asked: Array<[Month, Month]> = [];
  const transactions = { count: 0 };
  const capped = new Map<Month, Decimal>([['2026-01', d(60)]]);
  const analytics = {
    currency: 'USD',
    cohorts: async (from: Month, to: Month) => {
      asked.push([from, to]);
      return [january];
    },
  };
  const repository = {
    cappedMrr: async () => capped,
    recentCustomers: async () => recent,
  };
  const outbox = {
    anyEnqueued: async (_channel: string, keys: readonly string[]) =>
      keys.some((key) => enqueued.has(key)),
    enqueue: async (_tx: unknown, message: NewOutboxMessage) => {
      if (!enqueued.has(message.dedupeKey)) enqueued.set(message.dedupeKey, message);
    },
  };
  const db = {
    transaction: (work: (tx: object) => Promise<unknown>) => {
      transactions.count += 1;
      return work({});
    },
  };
  const service = new CohortSyncService(
    analytics as unknown as AnalyticsService,
    repository as unknown as CustomerRetentionRepository,
    outbox as unknown as OutboxService,
    db as unknown as DataSource,
    new ManualClock(now),
    AppConfig.fromEnvironment({
      CRM_PROVIDER: 'hubspot',
      HUBSPOT_ACCESS_TOKEN: 'token',
      ...env,
    }),
  );
  return { service, enqueued, asked, capped, transactions };
}

describe('CohortSyncService', () => {
  it("enqueues the ended month's snapshots and each recent customer's retention, in one transaction", async () => {
    const { service, enqueued, asked, transactions } = cohortSyncAt('2026-03-02T00:00:00Z');
    expect(await service.syncLastMonth()).toEqual({
      month: '2026-02',
      snapshots: 1,
      customerUpdates: 2,
    });
    expect(asked).toEqual([['2026-01', '2026-02']]);
    expect(transactions.count).toBe(1);
    expect([...enqueued.keys()]).toEqual([
      'cohort:2026-01@2026-02',
      'cohort-customer:2026-02:cus-1',
      'cohort-customer:2026-02:cus-2',
    ]);
    expect(enqueued.get('cohort:2026-01@2026-02')).toMatchObject({
      channel: 'crm',
      payload: { snapshot: { currentMrr: '110.00', grr: '60.00', logosRetained: 1 } },
    });
    expect(enqueued.get('cohort-customer:2026-02:cus-1')?.payload).toMatchObject({
      kind: 'account_properties',
      properties: { expansionMrr: '50.00' },
    });
  });

  it('sends a month once, even when its figures have moved since', async () => {
    const { service, enqueued, capped } = cohortSyncAt('2026-03-02T00:00:00Z');
    await service.syncMonth('2026-02');
    capped.set('2026-01', d(70));
    expect(await service.syncMonth('2026-02')).toEqual({
      month: '2026-02',
      snapshots: 0,
      customerUpdates: 0,
    });
    expect(enqueued.size).toBe(3);
  });

  it('refuses a month that has not ended, naming the field', async () => {
    const { service, enqueued } = cohortSyncAt('2026-03-31T23:00:00Z');
    const sync = service.syncMonth('2026-03');
    await expect(sync).rejects.toBeInstanceOf(ValidationFailedError);
    await expect(sync).rejects.toThrow(/month/);
    expect(enqueued.size).toBe(0);
  });

  it('enqueues nothing without a CRM provider or without revenue', async () => {
    const off = cohortSyncAt('2026-03-02T00:00:00Z', { CRM_PROVIDER: 'none' });
    expect(await off.service.syncLastMonth()).toMatchObject({ snapshots: 0, customerUpdates: 0 });
    expect(off.asked).toEqual([]);

    const empty = cohortSyncAt('2026-03-02T00:00:00Z');
    empty.capped.clear();
    expect(await empty.service.syncLastMonth()).toMatchObject({ snapshots: 0 });
    expect(empty.enqueued.size).toBe(0);
    expect(empty.transactions.count).toBe(0);
  });
});
