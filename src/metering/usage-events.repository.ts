import { Injectable } from '@nestjs/common';
import { Aggregation } from '../catalog/dto/meter.schema';
import { metersByKey } from '../catalog/ingest-meter-lookup';
import { customersWithUsageBounds } from '../customers/ingest-customer-lookup';
import { Decimal } from '../common/decimal';
import { Queryable } from '../database/transaction';
import { StoredUsage } from './ingest-participants.service';
import { CustomerReference, MeterReference, References, ValidEvent } from './event-validation';
import { addToRollup, latestFirst } from './meter-aggregation';
import { SEALED_BEFORE, SEALING_SHARED } from './rollup-seal.repository';

interface CustomerRow {
  id: string;
  external_id: string;
  subscriptions: Array<{ start: string; end: string | null; closed_before: string | null }>;
}

interface MeterRow {
  id: string;
  key: string;
  aggregation: Aggregation;
  dimensions: string[];
}

// The latest event of a group, as `last` orders them (meter-aggregation.ts), so a
// late event never replaces a newer "last" value.
const LATEST = `ORDER BY ${latestFirst('timestamp', 'event_id')}`;

// The customers and meters, and the shared seal lock that keeps the monthly
// rollups' fold (rollup-seal.repository.ts) from running until the batch commits.
const REFERENCES = `
  SELECT (SELECT coalesce(json_agg(c), '[]') FROM (${customersWithUsageBounds('$1')}) c) AS customers,
         (SELECT coalesce(json_agg(m), '[]') FROM (${metersByKey('$2')}) m) AS meters,
         ${SEALING_SHARED} AS sealing_held`;

/**
 * Inserts the events of `source` where `where` holds into a rollup table per
 * `period` (UTC), aggregated as ingestion does: one row per customer, meter,
 * period and dimension set. Also what the billing benchmark loads with.
 */
export function rollupInsert(
  table: string,
  periodColumn: string,
  period: 'hour' | 'month',
  source: string,
  where: string,
): string {
  return `INSERT INTO ${table} AS r
      (customer_id, meter_id, ${periodColumn}, dimensions, event_count, value_sum, value_max, last_value, last_timestamp, last_event_id)
    SELECT customer_id, meter_id, date_trunc('${period}', timestamp, 'UTC'), dimensions,
           count(*), coalesce(sum(value), 0), max(value),
           (array_agg(value ${LATEST}))[1], max(timestamp), (array_agg(event_id ${LATEST}))[1]
    FROM ${source}
    WHERE ${where}
    GROUP BY 1, 2, 3, 4`;
}

/** Adds a batch's fresh events to a rollup table, rows locked in key order. */
export function rollupUpsert(
  table: string,
  periodColumn: string,
  period: 'hour' | 'month',
  where: string,
): string {
  return `${rollupInsert(table, periodColumn, period, 'fresh', where)}
    ORDER BY 1, 2, 3, 4
    ${addToRollup(periodColumn)}`;
}

// Events of hours already folded into the monthly rollups: ingestion adds them there itself.
export const IN_SEALED_HOURS = `timestamp < ${SEALED_BEFORE}`;

/**
 * Stores the events `batch` selects (the columns of usage_events) in one
 * statement: the ids first, ON CONFLICT DO NOTHING (the database is the
 * idempotency arbiter: an id committed or in flight elsewhere is not
 * returned), then exactly the events whose ids were new, and their
 * pre-aggregated hourly rollups, and the monthly rollups of the late events
 * of hours already sealed (rollup-seal.repository.ts). The rollups and unique
 * values sort the whole batch before writing, so every id is claimed before
 * any rollup row is locked, and rows are locked in key order: concurrent
 * batches wait for each other instead of deadlocking. Returns what was new,
 * per customer, meter and hour. Also what the ingestion benchmark's staged
 * floor runs over a COPYed table.
 */
export function storeBatch(batch: string): string {
  return `
  WITH batch AS (${batch}
  ), new_ids AS (
    INSERT INTO usage_event_ids (event_id, customer_id, timestamp)
    SELECT event_id, customer_id, timestamp FROM batch
    ORDER BY event_id
    ON CONFLICT (event_id) DO NOTHING
    RETURNING event_id
  ), fresh AS (
    SELECT batch.* FROM batch JOIN new_ids USING (event_id)
  ), events AS (
    INSERT INTO usage_events (customer_id, meter_id, event_id, timestamp, value, value_text, dimensions, received_at)
    SELECT customer_id, meter_id, event_id, timestamp, value, value_text, dimensions, received_at FROM fresh
  ), rollups AS (
    ${rollupUpsert('usage_hourly_rollups', 'hour_start', 'hour', 'true')}
  ), monthly_rollups AS (
    ${rollupUpsert('usage_monthly_rollups', 'month_start', 'month', IN_SEALED_HOURS)}
  ), unique_values AS (
    INSERT INTO usage_hourly_unique_values (customer_id, meter_id, hour_start, dimensions, value)
    SELECT DISTINCT customer_id, meter_id, date_trunc('hour', timestamp, 'UTC'), dimensions, value_text
    FROM fresh
    WHERE value_text IS NOT NULL
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT DO NOTHING
  )
  SELECT customer_id, meter_id, date_trunc('hour', timestamp, 'UTC') AS hour_start,
         count(*)::int AS event_count, coalesce(sum(value), 0)::text AS value_sum
  FROM fresh
  GROUP BY 1, 2, 3`;
}

/**
 * A batch as the API sends it to storeBatch. It names few customers, meters
 * and dimension sets: each is sent once and events refer to it by its
 * position (1-based), which keeps the parameters a third of their size.
 */
const INSERT_BATCH = storeBatch(`
    SELECT e.event_id, ($2::uuid[])[e.customer] AS customer_id, ($3::uuid[])[e.meter] AS meter_id,
           e.timestamp, e.value, e.value_text, ($4::jsonb[])[e.dimensions] AS dimensions,
           $11::timestamptz AS received_at
    FROM unnest($1::text[], $5::int[], $6::int[], $7::timestamptz[], $8::numeric[], $9::text[], $10::int[])
      AS e (event_id, customer, meter, timestamp, value, value_text, dimensions)`);

interface StoredRow {
  customer_id: string;
  meter_id: string;
  hour_start: Date;
  event_count: number;
  value_sum: string;
}

/** The SQL of ingestion; every method runs inside the caller's transaction. */
@Injectable()
export class UsageEventsRepository {
  /**
   * The customers (by id), by external id, with their subscriptions' usage
   * bounds (locked FOR SHARE, see customersWithUsageBounds), and the meters
   * that exist: one statement composed of their owners' fragments.
   */
  async loadReferences(
    tx: Queryable,
    customerIds: string[],
    meterKeys: string[],
  ): Promise<References> {
    const [{ customers, meters }]: Array<{ customers: CustomerRow[]; meters: MeterRow[] }> =
      await tx.query(REFERENCES, [customerIds, meterKeys]);
    return {
      customers: new Map<string, CustomerReference>(
        customers.map((row) => [
          row.external_id,
          {
            id: row.id,
            subscriptions: row.subscriptions.map((window) => ({
              start: new Date(window.start),
              end: window.end === null ? null : new Date(window.end),
              closedBefore: window.closed_before === null ? null : new Date(window.closed_before),
            })),
          },
        ]),
      ),
      meters: new Map<string, MeterReference>(meters.map((row) => [row.key, row])),
    };
  }

  /** Which of `eventIds` are already stored. */
  async findStoredIds(tx: Queryable, eventIds: string[]): Promise<Set<string>> {
    if (eventIds.length === 0) return new Set();
    const rows: Array<{ event_id: string }> = await tx.query(
      'SELECT event_id FROM usage_event_ids WHERE event_id = ANY($1::text[])',
      [eventIds],
    );
    return new Set(rows.map((row) => row.event_id));
  }

  /** Stores the events whose ids are new, with their rollups; returns what was new, per customer, meter and hour. */
  async insertNew(tx: Queryable, events: ValidEvent[], receivedAt: Date): Promise<StoredUsage[]> {
    if (events.length === 0) return [];
    const customers = new Positions();
    const meters = new Positions();
    const dimensions = new Positions();
    const customerPositions = plainArray(events.map((event) => customers.of(event.customerId)));
    const meterPositions = plainArray(events.map((event) => meters.of(event.meterId)));
    const dimensionPositions = plainArray(
      events.map((event) => dimensions.of(JSON.stringify(event.dimensions))),
    );
    const rows: StoredRow[] = await tx.query(INSERT_BATCH, [
      events.map((event) => event.id),
      customers.values,
      meters.values,
      dimensions.values,
      customerPositions,
      meterPositions,
      plainArray(events.map((event) => event.timestamp.toISOString())),
      plainArray(events.map((event) => (event.value === null ? null : event.value.toFixed()))),
      events.map((event) => event.valueText),
      dimensionPositions,
      receivedAt.toISOString(),
    ]);
    return rows.map((row) => ({
      customerId: row.customer_id,
      meterId: row.meter_id,
      hourStart: row.hour_start,
      eventCount: row.event_count,
      valueSum: new Decimal(row.value_sum),
    }));
  }
}

/** Distinct values in order of first use; `of` gives a value's 1-based position (SQL arrays start at 1). */
class Positions {
  readonly values: string[] = [];
  private readonly positions = new Map<string, number>();

  of(value: string): number {
    let position = this.positions.get(value);
    if (position === undefined) {
      position = this.values.push(value);
      this.positions.set(value, position);
    }
    return position;
  }
}

/**
 * An array literal of values that need no quoting (numbers, decimals, ISO
 * timestamps: no quote, backslash, comma, brace or space), built in one join
 * where the driver would quote and escape every element.
 */
function plainArray(values: ReadonlyArray<string | number | null>): string {
  return `{${values.map((value) => (value === null ? 'NULL' : value)).join(',')}}`;
}
