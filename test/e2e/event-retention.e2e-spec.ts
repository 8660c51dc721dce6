import { DataSource } from 'typeorm';
import { EventRetentionService } from '../../src/metering/event-retention.service';
import { recordUsage, runBilling, sendEvents } from '../support/billing';
import { createSubscribedCustomer, SubscribedCustomer } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Raw events kept for EVENT_RETENTION months (2 here): partitions made ahead by
 * the job, an expired month dropped once its usage is invoiced, one with usage
 * still to invoice kept, ids forgotten with their events.
 */
describe('event retention', () => {
  let t: TestApp;
  let db: DataSource;
  let monthly: SubscribedCustomer;
  let yearly: SubscribedCustomer;

  const partitions = async (): Promise<string[]> =>
    (
      await db.query<Array<{ name: string }>>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'usage_events'::regclass ORDER BY 1`,
      )
    ).map((row) => row.name);

  const storedIds = async (externalId: string): Promise<number> =>
    Number(
      (
        await db.query<Array<{ n: string }>>(
          `SELECT count(*) AS n FROM usage_event_ids
           WHERE customer_id = (SELECT id FROM customers WHERE external_id = $1)`,
          [externalId],
        )
      )[0].n,
    );

  /** One event of the subscriber's priced meter. */
  const eventOf = (who: SubscribedCustomer, timestamp: string, value: string, id: string) => ({
    customerExternalId: who.customer.externalId,
    meter: who.priced.meter.key,
    timestamp,
    value,
    id,
  });

  beforeAll(async () => {
    t = await startTestApp({ now: '2025-10-20T12:00:00Z', env: { EVENT_RETENTION: '2' } });
    db = t.app.get(DataSource);
    // Billed monthly from October: October's invoice closes its usage.
    monthly = await createSubscribedCustomer(t, {
      subscription: { startDate: '2025-10-01T00:00:00Z' },
    });
    // Billed for twelve months at a time from November: November's usage stays open until November 2026.
    yearly = await createSubscribedCustomer(t, {
      subscription: {
        startDate: '2025-11-01T00:00:00Z',
        billingCadence: { unit: 'month', count: 12 },
      },
    });
  });
  afterAll(() => t.close());

  it('makes the current month and the two after at start-up', async () => {
    expect(await partitions()).toEqual([
      'usage_events_2025_10',
      'usage_events_2025_11',
      'usage_events_2025_12',
      'usage_events_default',
    ]);
  });

  it('drops an expired month once invoiced and keeps one with an interval still open', async () => {
    await recordUsage(t, [eventOf(monthly, '2025-10-10T08:00:00Z', '300', 'ret_oct')]);
    t.clock.set('2025-11-20T12:00:00Z');
    await recordUsage(t, [eventOf(yearly, '2025-11-10T08:00:00Z', '500', 'ret_nov')]);
    t.clock.set('2025-12-01T02:00:00Z');
    expect(await runBilling(t)).toMatchObject({ failures: [] });

    // March 2026 with 2 months of retention: the horizon is January 1st, so October to December expired.
    t.clock.set('2026-03-15T12:00:00Z');
    // A March event before the job made March's partition lands in the default partition.
    await recordUsage(t, [eventOf(yearly, '2026-03-02T08:00:00Z', '7', 'ret_mar')]);
    const report = await t.app.get(EventRetentionService).maintain(t.clock.now());

    expect(report).toMatchObject({
      created: ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05'],
      dropped: ['2025-10', '2025-12'],
      kept: ['2025-11'],
    });
    expect(await partitions()).toEqual([
      'usage_events_2025_11',
      'usage_events_2026_01',
      'usage_events_2026_02',
      'usage_events_2026_03',
      'usage_events_2026_04',
      'usage_events_2026_05',
      'usage_events_default',
    ]);
    // The March event moved out of the default partition into March's.
    const [march] = await db.query<Array<{ partition: string }>>(
      "SELECT tableoid::regclass::text AS partition FROM usage_events WHERE event_id = 'ret_mar'",
    );
    expect(march.partition).toBe('usage_events_2026_03');
    // November's events stay for the yearly invoice; rollups keep October's usage whole for invoices and analytics.
    expect(
      await db.query(
        "SELECT event_id FROM usage_events WHERE event_id IN ('ret_oct', 'ret_nov') ORDER BY 1",
      ),
    ).toEqual([{ event_id: 'ret_nov' }]);
    const [october] = await db.query<Array<{ value_sum: string }>>(
      `SELECT value_sum::text FROM usage_hourly_rollups
       WHERE customer_id = (SELECT id FROM customers WHERE external_id = $1)`,
      [monthly.customer.externalId],
    );
    expect(october.value_sum).toBe('300');
  });

  it('forgets the ids of expired events, and refuses those events rather than store them again', async () => {
    expect(await storedIds(monthly.customer.externalId)).toBe(0);
    // The yearly customer keeps only March's id: November's is past the horizon too.
    expect(await storedIds(yearly.customer.externalId)).toBe(1);
    const retried = await sendEvents(t, [
      eventOf(monthly, '2025-10-10T08:00:00Z', '300', 'ret_oct'),
    ]);
    expect(retried).toEqual({
      accepted: 0,
      duplicates: 0,
      rejected: [
        {
          index: 0,
          id: 'ret_oct',
          code: 'invalid_event',
          field: 'events[0].timestamp',
          message:
            'is older than the event retention allows: events before 2026-01-01T00:00:00.000Z are no longer kept',
        },
      ],
    });
  });

  it('drops the kept month once its interval is invoiced, and changes nothing when run again', async () => {
    t.clock.set('2026-11-01T02:00:00Z');
    expect(await runBilling(t)).toMatchObject({ failures: [] });
    const service = t.app.get(EventRetentionService);
    const report = await service.maintain(t.clock.now());
    expect(report.dropped).toContain('2025-11');
    expect(report.kept).toEqual([]);
    expect(await service.maintain(t.clock.now())).toEqual({
      created: [],
      dropped: [],
      kept: [],
      stragglersDeleted: 0,
      idsForgotten: 0,
    });
  });
});
