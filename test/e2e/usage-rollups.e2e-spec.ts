import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { Aggregation, AGGREGATIONS } from '../../src/catalog/dto/meter.schema';
import { Decimal } from '../../src/common/decimal';
import { aggregateUsage } from '../../src/metering/usage.repository';
import { startTestApp, TestApp } from '../support/test-app';
import { createCustomer, createMeter } from '../support/factories';
import { MeteringTables } from './usage-fixtures';

const HOUR_MS = 3_600_000;
const BASE = Date.parse('2026-03-10T00:00:00Z');
const DAYS = 3;

interface GeneratedEvent {
  id: number;
  customer: number;
  aggregation: Aggregation;
  offsetMs: number;
  units: number;
  scale: number;
  asNumber: boolean;
  unique: string;
  a: string | undefined;
  b: string | undefined;
  batch: number;
}

const eventArbitrary: fc.Arbitrary<GeneratedEvent> = fc.record({
  id: fc.integer({ min: 0, max: 40 }), // a small pool, so ids repeat within and across batches
  customer: fc.constantFrom(0, 0, 0, 1),
  aggregation: fc.constantFrom(...AGGREGATIONS),
  // Mostly a few instants of the first hours, so events meet in the same rollup
  // rows, within and across batches, often at the same instant.
  offsetMs: fc.oneof(
    { arbitrary: fc.constantFrom(0, 1_800_000, HOUR_MS - 1, HOUR_MS, 2 * HOUR_MS + 1), weight: 2 },
    { arbitrary: fc.integer({ min: 0, max: 4 * HOUR_MS }), weight: 1 },
    { arbitrary: fc.integer({ min: 0, max: DAYS * 24 * HOUR_MS - 1 }), weight: 1 },
  ),
  units: fc.integer({ min: -100_000, max: 1_000_000 }),
  scale: fc.integer({ min: 0, max: 3 }),
  asNumber: fc.boolean(),
  unique: fc.constantFrom('u1', 'u2', 'u3', 'u4'),
  a: fc.constantFrom(undefined, undefined, 'x', 'y'),
  b: fc.constantFrom(undefined, undefined, undefined, 'p'),
  batch: fc.integer({ min: 0, max: 3 }),
});

/** One event as the rollups should have seen it (the first occurrence of its id). */
interface Stored {
  id: string;
  customer: number;
  meterId: string;
  aggregation: Aggregation;
  timestamp: number;
  value: Decimal;
  unique: string;
  dimensions: Record<string, string>;
}

/** Every aggregation over raw events of one meter (and dimension set, null for the whole meter). */
type RawRow = Record<Aggregation, string> & {
  meter_id: string;
  aggregation: Aggregation;
  dimensions: Record<string, string> | null;
};

/** "customer|meter|dimensions" (dimensions "*" for the whole meter) → quantity as a plain decimal string. */
type Quantities = Map<string, string>;

function dimensionsKey(dimensions: Record<string, string> | null): string {
  if (dimensions === null) return '*';
  return JSON.stringify(
    Object.keys(dimensions)
      .sort()
      .map((key) => [key, dimensions[key]]),
  );
}

function aggregateInJs(events: Stored[], aggregation: Aggregation): Decimal {
  switch (aggregation) {
    case 'sum':
      return events.reduce((total, event) => total.plus(event.value), new Decimal(0));
    case 'count':
      return new Decimal(events.length);
    case 'max':
      return Decimal.max(...events.map((event) => event.value));
    case 'last': {
      const later = (x: Stored, y: Stored) =>
        x.timestamp > y.timestamp || (x.timestamp === y.timestamp && x.id > y.id);
      return events.reduce((latest, event) => (later(event, latest) ? event : latest)).value;
    }
    case 'unique_count':
      return new Decimal(new Set(events.map((event) => event.unique)).size);
  }
}

function expectedQuantities(events: Stored[], from: number, to: number): Quantities {
  const groups = new Map<string, Stored[]>();
  for (const event of events.filter((e) => e.timestamp >= from && e.timestamp < to)) {
    for (const dims of [dimensionsKey(event.dimensions), '*']) {
      const key = `${event.customer}|${event.meterId}|${dims}`;
      groups.set(key, [...(groups.get(key) ?? []), event]);
    }
  }
  return new Map(
    [...groups].map(([key, group]) => [key, aggregateInJs(group, group[0].aggregation).toFixed()]),
  );
}

describe('hourly rollups equal the raw events (property)', () => {
  let t: TestApp;
  let tables: MeteringTables;
  let db: DataSource;
  const meters = new Map<Aggregation, { id: string; key: string }>();
  let run = 0;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-20T00:00:00Z' });
    tables = new MeteringTables(t);
    db = t.app.get(DataSource);
    for (const aggregation of AGGREGATIONS) {
      const { key } = await createMeter(t, { aggregation, dimensions: ['a', 'b'] });
      meters.set(aggregation, { key, id: await tables.meterId(key) });
    }
  });
  afterAll(() => t.close());

  async function fromRollups(customerIds: string[], from: number, to: number): Promise<Quantities> {
    const quantities: Quantities = new Map();
    for (const [customer, customerId] of customerIds.entries()) {
      const usage = await aggregateUsage(db, {
        customerId,
        from: new Date(from),
        to: new Date(to),
      });
      for (const meter of usage) {
        quantities.set(`${customer}|${meter.meterId}|*`, meter.quantity.toFixed());
        for (const entry of meter.byDimensions) {
          quantities.set(
            `${customer}|${meter.meterId}|${dimensionsKey(entry.dimensions)}`,
            entry.quantity.toFixed(),
          );
        }
      }
    }
    return quantities;
  }

  async function fromRawEvents(
    customerIds: string[],
    from: number,
    to: number,
  ): Promise<Quantities> {
    const quantities: Quantities = new Map();
    for (const [customer, customerId] of customerIds.entries()) {
      const rows = await tables.query<RawRow>(
        `SELECT e.meter_id, e.dimensions, m.aggregation,
                sum(e.value) AS sum, count(*) AS count, max(e.value) AS max,
                (array_agg(e.value ORDER BY e.timestamp DESC, e.event_id COLLATE "C" DESC))[1] AS last,
                count(DISTINCT e.value_text) AS unique_count
         FROM usage_events e JOIN meters m ON m.id = e.meter_id
         WHERE e.customer_id = $1 AND e.timestamp >= $2 AND e.timestamp < $3
         GROUP BY GROUPING SETS ((e.meter_id, m.aggregation, e.dimensions), (e.meter_id, m.aggregation))`,
        [customerId, new Date(from).toISOString(), new Date(to).toISOString()],
      );
      for (const row of rows) {
        quantities.set(
          `${customer}|${row.meter_id}|${dimensionsKey(row.dimensions)}`,
          new Decimal(row[row.aggregation]).toFixed(),
        );
      }
    }
    return quantities;
  }

  it('for every aggregation, dimension set and hour range', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(eventArbitrary, { minLength: 1, maxLength: 80, size: 'max' }),
        fc.integer({ min: 0, max: DAYS * 24 }),
        fc.integer({ min: 1, max: DAYS * 24 }),
        async (generated, startHour, hours) => {
          run += 1;
          const customers: Array<{ externalId: string; id: string }> = [];
          for (let i = 0; i < 2; i++) {
            const { externalId } = await createCustomer(t);
            customers.push({ externalId, id: await tables.customerId(externalId) });
          }
          const toRequest = (g: GeneratedEvent) => {
            const value = new Decimal(g.units).div(new Decimal(10).pow(g.scale));
            const dimensions = Object.fromEntries(
              Object.entries({ a: g.a, b: g.b }).filter(
                (entry): entry is [string, string] => entry[1] !== undefined,
              ),
            );
            return {
              id: `r${run}_${g.id}`,
              customerExternalId: customers[g.customer].externalId,
              meter: meters.get(g.aggregation)!.key,
              timestamp: new Date(BASE + g.offsetMs).toISOString(),
              value:
                g.aggregation === 'unique_count'
                  ? g.unique
                  : g.asNumber
                    ? value.toNumber()
                    : value.toFixed(),
              dimensions,
            };
          };

          // Batches go one after the other, so the first occurrence of an id is the one stored.
          const ordered = [...generated].sort((x, y) => x.batch - y.batch);
          const stored = new Map<string, Stored>();
          for (const g of ordered) {
            const request = toRequest(g);
            if (stored.has(request.id)) continue;
            stored.set(request.id, {
              id: request.id,
              customer: g.customer,
              meterId: meters.get(g.aggregation)!.id,
              aggregation: g.aggregation,
              timestamp: BASE + g.offsetMs,
              value: new Decimal(g.units).div(new Decimal(10).pow(g.scale)),
              unique: g.unique,
              dimensions: request.dimensions,
            });
          }
          let accepted = 0;
          for (let batch = 0; batch <= 3; batch++) {
            const events = ordered.filter((g) => g.batch === batch).map(toRequest);
            if (events.length === 0) continue;
            const response = await t.admin.post('/v1/events', { events });
            expect(response.body.rejected).toEqual([]);
            accepted += response.body.accepted;
          }
          expect(accepted).toBe(stored.size);

          const customerIds = customers.map((customer) => customer.id);
          const ranges: Array<[number, number]> = [
            [BASE, BASE + DAYS * 24 * HOUR_MS],
            [BASE + startHour * HOUR_MS, BASE + (startHour + hours) * HOUR_MS],
          ];
          for (const [from, to] of ranges) {
            const expected = expectedQuantities([...stored.values()], from, to);
            expect(await fromRollups(customerIds, from, to)).toEqual(expected);
            expect(await fromRawEvents(customerIds, from, to)).toEqual(expected);
          }
        },
      ),
      { numRuns: 25 },
    );
  }, 120_000);
});
