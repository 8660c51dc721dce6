import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../common/decimal';
import { Queryable } from '../database/transaction';
import { StoredUsage } from '../metering/ingest-participants.service';
import { BucketRange, bucketRanges, HourUsage } from './quota-window';
import { QuotasRepository } from './quotas.repository';

/** What a quota counts: events (count meters) or the sum of their values (sum meters). */
export type Measure = 'events' | 'values';

/** A window of one customer's meter to measure; `id` ties the answer back to the caller's quota. */
export interface UsageWindow {
  id: number;
  customerId: string;
  meterId: string;
  measure: Measure;
  start: Date;
  end: Date;
}

interface RangeRow {
  id: number;
  used: string;
}

interface HourRow {
  bucket_start: Date;
  used: string;
}

/**
 * Usage per customer, meter and hour / UTC day of the meters that have a quota.
 * Ingestion adds to it in its own transaction (`record`); checks sum a few
 * rows (`usedIn`), never events.
 */
@Injectable()
export class EntitlementUsageRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Adds a stored batch's hours, and the days they fall in, for meters with a
   * quota. Rows are written in key order, so concurrent batches wait for each
   * other rather than deadlock (as the rollups do).
   */
  async record(tx: Queryable, usage: readonly StoredUsage[]): Promise<void> {
    await tx.query(
      `WITH stored AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::bigint[], $5::numeric[])
           AS u (customer_id, meter_id, hour_start, event_count, value_sum)
         WHERE meter_id IN (${QuotasRepository.quotaMeters('$1::uuid[]')})
       ), buckets AS (
         SELECT customer_id, meter_id, 'hour' AS granularity, hour_start AS bucket_start, event_count, value_sum
         FROM stored
         UNION ALL
         SELECT customer_id, meter_id, 'day', date_trunc('day', hour_start, 'UTC'), sum(event_count), sum(value_sum)
         FROM stored GROUP BY 1, 2, 4
       )
       INSERT INTO entitlement_usage_buckets AS b
         (customer_id, meter_id, granularity, bucket_start, event_count, value_sum)
       SELECT * FROM buckets ORDER BY 1, 2, 3, 4
       ON CONFLICT (customer_id, meter_id, granularity, bucket_start) DO UPDATE SET
         event_count = b.event_count + excluded.event_count,
         value_sum = b.value_sum + excluded.value_sum`,
      [
        usage.map((hour) => hour.customerId),
        usage.map((hour) => hour.meterId),
        usage.map((hour) => hour.hourStart.toISOString()),
        usage.map((hour) => hour.eventCount),
        usage.map((hour) => hour.valueSum.toFixed()),
      ],
    );
  }

  /** The usage in each window (of any customers), by window id, in one statement. */
  async usedIn(
    windows: readonly UsageWindow[],
    db: Queryable = this.db,
  ): Promise<Map<number, Decimal>> {
    if (windows.length === 0) return new Map();
    const ranges = windows.flatMap((window) =>
      bucketRanges(window).map((range): [UsageWindow, BucketRange] => [window, range]),
    );
    const rows: RangeRow[] = await db.query(
      `SELECT r.id, coalesce(sum(CASE WHEN r.measure = 'events' THEN b.event_count ELSE b.value_sum END), 0)::text AS used
       FROM unnest($1::int[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::timestamptz[])
         AS r (id, customer_id, meter_id, measure, granularity, range_from, range_to)
       LEFT JOIN entitlement_usage_buckets b
         ON b.customer_id = r.customer_id AND b.meter_id = r.meter_id AND b.granularity = r.granularity
        AND b.bucket_start >= r.range_from AND b.bucket_start < r.range_to
       GROUP BY r.id`,
      [
        ranges.map(([window]) => window.id),
        ranges.map(([window]) => window.customerId),
        ranges.map(([window]) => window.meterId),
        ranges.map(([window]) => window.measure),
        ranges.map(([, range]) => range.granularity),
        ranges.map(([, range]) => range.from.toISOString()),
        ranges.map(([, range]) => range.to.toISOString()),
      ],
    );
    return new Map(rows.map((row) => [row.id, new Decimal(row.used)]));
  }

  /** Each hour with usage of a meter in [from, to): what a rolling window slides over. */
  async hours(
    customerId: string,
    meterId: string,
    measure: Measure,
    window: { start: Date; end: Date },
  ): Promise<HourUsage[]> {
    const rows: HourRow[] = await this.db.query(
      `SELECT bucket_start, (CASE WHEN $3 = 'events' THEN event_count ELSE value_sum END)::text AS used
       FROM entitlement_usage_buckets
       WHERE customer_id = $1 AND meter_id = $2 AND granularity = 'hour'
         AND bucket_start >= $4 AND bucket_start < $5`,
      [customerId, meterId, measure, window.start.toISOString(), window.end.toISOString()],
    );
    return rows.map((row) => ({ hourStart: row.bucket_start, quantity: new Decimal(row.used) }));
  }

  /**
   * Serializes enforcing batches of the same customers until the caller's
   * transaction ends, so two of them cannot both take the last room of a quota.
   * Locks are taken in one order, so batches never deadlock on them.
   */
  async lockCustomers(tx: Queryable, customerIds: readonly string[]): Promise<void> {
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtextextended('entitlements:' || id, 0))
       FROM unnest($1::text[]) AS id ORDER BY id`,
      [[...customerIds].sort()],
    );
  }
}
