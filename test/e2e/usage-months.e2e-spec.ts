import { DataSource } from 'typeorm';
import { Decimal } from '../../src/common/decimal';
import { Interval } from '../../src/common/period';
import {
  BillingUsageRepository,
  UsageSelection,
} from '../../src/metering/billing-usage.repository';
import { aggregateUsage } from '../../src/metering/usage.repository';
import { RollupSealRepository } from '../../src/metering/rollup-seal.repository';
import { recordUsage, UsageEvent } from '../support/billing';
import { createCustomer, createMeter } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Invoices and the usage reads (usage endpoint, limits, forecasts) take whole
 * calendar months from the monthly rollups and the hours around them from the
 * hourly ones (rollup-rows-sql.ts). Every aggregation, over
 * whole months, months with edge hours, an anniversary month and part of a
 * month, must equal what the raw events give: before any hour is folded into
 * the monthly rollups, with months partly sealed and events arriving late on
 * both sides of the seal, and with everything sealed.
 */
describe('usage across the monthly and hourly rollups', () => {
  let t: TestApp;
  let db: DataSource;
  let usage: BillingUsageRepository;
  let customerId: string;
  const meters: Record<string, { id: string; aggregation: string }> = {};

  const AGGREGATIONS = ['sum', 'count', 'max', 'last', 'unique_count'] as const;
  /** Per meter: its events at a time, with a value and model (and an id when it matters). */
  const eventsOf: Record<
    string,
    (timestamp: string, value: string, model: string, id?: string) => UsageEvent
  > = {};

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-04-20T12:00:00Z' });
    db = t.app.get(DataSource);
    usage = t.app.get(BillingUsageRepository);
    // Nothing folded yet: every month of the events ahead is read from the hourly rollups.
    await db.query(`UPDATE usage_rollup_seal SET sealed_before = '2026-01-01T00:00:00Z'`);
    const customer = await createCustomer(t);
    customerId = (
      await db.query<Array<{ id: string }>>('SELECT id FROM customers WHERE external_id = $1', [
        customer.externalId,
      ])
    )[0].id;
    for (const aggregation of AGGREGATIONS) {
      const meter = await createMeter(t, { aggregation, dimensions: ['model'] });
      const [{ id }] = await db.query<Array<{ id: string }>>(
        'SELECT id FROM meters WHERE key = $1',
        [meter.key],
      );
      meters[aggregation] = { id, aggregation };
      const at = (timestamp: string, value: string, model: string, id?: string): UsageEvent => ({
        customerExternalId: customer.externalId,
        meter: meter.key,
        timestamp,
        value,
        dimensions: { model },
        ...(id ? { id: `${aggregation}_${id}` } : {}),
      });
      eventsOf[aggregation] = at;
      await recordUsage(t, [
        at('2026-01-15T09:59:59Z', '1000', 'a'), // the hour before an anniversary start
        at('2026-01-15T10:00:00Z', '3', 'a'),
        at('2026-01-31T23:59:59Z', '5', 'b'),
        at('2026-02-01T00:00:00Z', '7', 'a'),
        at('2026-02-14T12:30:00Z', '11', 'b'),
        at('2026-02-28T23:30:00Z', '13', 'a'),
        at('2026-03-01T00:00:00Z', '17', 'a'),
        at('2026-03-15T09:00:00Z', '19', 'b'),
        at('2026-03-15T10:00:00Z', '23', 'a'), // at an anniversary end: outside
        // two events at one instant: `last` takes the greatest id
        at('2026-03-31T23:00:00Z', '29', 'a', 'y'),
        at('2026-03-31T23:00:00Z', '31', 'b', 'z'),
      ]);
    }
  });
  afterAll(() => t.close());

  /** The monthly rows against the hourly rows of the sealed hours, per month and dimension set. */
  const monthlyAgainstHourly = () =>
    db.query<Array<{ monthly: string | null; hourly: string | null }>>(
      `WITH hourly AS (
         SELECT meter_id, date_trunc('month', hour_start, 'UTC') AS month_start, dimensions,
                sum(event_count) AS event_count, sum(value_sum) AS value_sum
         FROM usage_hourly_rollups
         WHERE customer_id = $1 AND hour_start < (SELECT sealed_before FROM usage_rollup_seal)
         GROUP BY 1, 2, 3
       )
       SELECT m.event_count || '/' || m.value_sum AS monthly, h.event_count || '/' || h.value_sum AS hourly
       FROM (SELECT * FROM usage_monthly_rollups WHERE customer_id = $1) m
       FULL JOIN hourly h USING (meter_id, month_start, dimensions)`,
      [customerId],
    );

  /** The meter's quantity, event count and value total from the raw events. */
  const fromEvents = async (selection: UsageSelection, aggregation: string) => {
    const [row] = await db.query<
      Array<{ n: string; total: string; max: string | null; last: string | null; distinct: string }>
    >(
      `SELECT count(*)::text AS n, coalesce(sum(value), 0)::text AS total, max(value)::text AS max,
              (array_agg(value ORDER BY timestamp DESC, event_id COLLATE "C" DESC))[1]::text AS last,
              count(DISTINCT value_text)::text AS distinct
       FROM usage_events
       WHERE customer_id = $1 AND meter_id = $2 AND timestamp >= $3 AND timestamp < $4
         AND dimensions @> $5::jsonb`,
      [
        selection.customerId,
        selection.meterId,
        selection.interval.start,
        selection.interval.end,
        JSON.stringify(selection.filter),
      ],
    );
    const quantity = {
      sum: row.total,
      count: row.n,
      max: row.max ?? '0',
      last: row.last ?? '0',
      unique_count: row.distinct,
    }[aggregation] as string;
    return { quantity, eventCount: row.n, totalValue: row.total };
  };

  const INTERVALS: Array<[string, Interval]> = [
    ['a calendar month', interval('2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z')],
    ['three months', interval('2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z')],
    ['a month with edge hours', interval('2026-01-15T10:00:00Z', '2026-03-15T10:00:00Z')],
    ['an anniversary month', interval('2026-01-15T10:00:00Z', '2026-02-15T10:00:00Z')],
    ['a month but its last hour', interval('2026-02-01T00:00:00Z', '2026-02-28T23:00:00Z')],
    ['a month and one hour', interval('2026-01-31T23:00:00Z', '2026-03-01T00:00:00Z')],
  ];

  describe.each([
    ['no month sealed', null],
    ['months sealed to 10 March 05:00, late events on both sides', '2026-03-10T05:30:00Z'],
    ['every closed hour sealed', '2026-04-20T12:00:00Z'],
  ])('with %s', (_, sealUntil) => {
    beforeAll(async () => {
      if (sealUntil === null) return;
      await t.app.get(RollupSealRepository).sealBefore(new Date(sealUntil));
      if (sealUntil !== '2026-03-10T05:30:00Z') return;
      // Late: older events after newer ones, before the seal (both rollups) and after it (hourly only).
      for (const at of Object.values(eventsOf)) {
        await recordUsage(t, [
          at('2026-02-10T08:00:00Z', '37', 'a'),
          at('2026-01-20T00:00:00Z', '41', 'b'),
          at('2026-03-20T06:00:00Z', '43', 'b'),
        ]);
      }
    });

    it('keeps the monthly rows equal to the sealed hours', async () => {
      const rows = await monthlyAgainstHourly();
      expect(rows.filter((row) => row.monthly !== row.hourly)).toEqual([]);
      expect(rows.some((row) => row.monthly !== null)).toBe(sealUntil !== null);
    });

    it.each(INTERVALS)(
      'equals the raw events over %s, for every aggregation and filter',
      async (_, span) => {
        const filters: Array<Record<string, string>> = [{}, { model: 'a' }, { model: 'b' }];
        const selections = AGGREGATIONS.flatMap((aggregation) =>
          filters.map((filter) => ({
            aggregation,
            selection: { customerId, meterId: meters[aggregation].id, interval: span, filter },
          })),
        );
        const totals = await usage.totals(
          db,
          selections.map(({ selection }) => selection),
        );
        const expected = await Promise.all(
          selections.map(({ selection, aggregation }) => fromEvents(selection, aggregation)),
        );
        const actual = totals.map((total) => ({
          quantity: total.quantity.toFixed(),
          eventCount: total.eventCount.toFixed(),
          totalValue: total.totalValue.toFixed(),
        }));
        expect(actual).toEqual(
          expected.map((row) => ({
            quantity: new Decimal(row.quantity).toFixed(),
            eventCount: row.eventCount,
            totalValue: new Decimal(row.totalValue).toFixed(),
          })),
        );
        // Something to compare: the events fall inside every interval.
        expect(actual.some((row) => row.eventCount !== '0')).toBe(true);
      },
    );

    it.each(INTERVALS)(
      'reports the raw events over %s per meter and dimension set',
      async (_, span) => {
        const reported = await aggregateUsage(db, { customerId, from: span.start, to: span.end });
        for (const aggregation of AGGREGATIONS) {
          const meterId = meters[aggregation].id;
          const selection = (filter: Record<string, string>) => ({
            customerId,
            meterId,
            interval: span,
            filter,
          });
          const whole = await fromEvents(selection({}), aggregation);
          const usage = reported.find((meter) => meter.meterId === meterId);
          expect(usage?.quantity.toFixed() ?? '0').toEqual(new Decimal(whole.quantity).toFixed());
          for (const model of ['a', 'b']) {
            const expected = await fromEvents(selection({ model }), aggregation);
            const set = usage?.byDimensions.find((entry) => entry.dimensions.model === model);
            expect([model, set?.quantity.toFixed() ?? '0']).toEqual([
              model,
              expected.eventCount === '0' ? '0' : new Decimal(expected.quantity).toFixed(),
            ]);
          }
        }
      },
    );
  });
});

function interval(start: string, end: string): Interval {
  return { start: new Date(start), end: new Date(end) };
}
