import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../common/decimal';
import { meterItemIds } from '../catalog/meter-item-ids-sql';
import { availableCreditJoin } from '../credits/available-credit';
import { preparedQuery } from '../database/prepared-query';
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

interface CreditRow {
  currency: string;
  meter_id: string;
  balance: string | null;
  prepaid_units: string | null;
}

/** A meter whose credit the caller wants, in the currency of the subscription its quota is on. */
export interface CreditWanted {
  currency: string;
  meterId: string;
}

/**
 * Credit that can pay for a meter, in the plan's currency: the ledger's
 * available credit (granted or topped up, less what invoices consumed and what
 * expired) in lots for every item or for one of the meter's items, and the
 * units left in prepaid blocks of the meter's items. Read live, never cached:
 * a top-up or a block bought shows in the next check. Usage not yet invoiced
 * is not subtracted; that would mean pricing it on every check.
 */
export interface MeterCredit {
  currency: string;
  balance: Decimal;
  prepaidUnits: Decimal;
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
    const rows: RangeRow[] = await db.query(
      USED_IN('$1', '$2', '$3', '$4', '$5', '$6', '$7'),
      rangeParameters(windows),
    );
    return usedById(rows);
  }

  /** The credit that can pay for each (currency, meter) of one customer at `at`, by creditKey. */
  async creditFor(
    customerId: string,
    wanted: readonly CreditWanted[],
    at: Date,
    db: Queryable = this.db,
  ): Promise<Map<string, MeterCredit>> {
    if (wanted.length === 0) return new Map();
    const rows: CreditRow[] = await db.query(
      CREDIT_FOR('$1', '$2', '$3', '$4'),
      creditParameters(customerId, wanted, at),
    );
    return creditByKey(rows);
  }

  /**
   * usedIn and creditFor of one customer in one round trip, as a prepared
   * statement: what the entitlement check reads on every call.
   */
  async usedAndCreditFor(
    customerId: string,
    windows: readonly UsageWindow[],
    wanted: readonly CreditWanted[],
    at: Date,
  ): Promise<{ used: Map<number, Decimal>; credits: Map<string, MeterCredit> }> {
    if (windows.length === 0) return { used: new Map(), credits: new Map() };
    const [row] = await preparedQuery<{ used: RangeRow[]; credits: CreditRow[] }>(
      this.db,
      'entitlements-used-and-credit',
      USED_AND_CREDIT,
      [...rangeParameters(windows), ...creditParameters(customerId, wanted, at)],
    );
    return { used: usedById(row.used), credits: creditByKey(row.credits) };
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

/**
 * The usage in each range of windows, summed per window id. The arguments
 * name the statement's parameters (range id, customer, meter, measure,
 * granularity, from, to: arrays), so the fragment composes into a statement
 * with other parameters before it.
 */
const USED_IN = (
  id: string,
  customer: string,
  meter: string,
  measure: string,
  granularity: string,
  from: string,
  to: string,
) => `SELECT r.id, coalesce(sum(CASE WHEN r.measure = 'events' THEN b.event_count ELSE b.value_sum END), 0)::text AS used
  FROM unnest(${id}::int[], ${customer}::uuid[], ${meter}::uuid[], ${measure}::text[], ${granularity}::text[],
              ${from}::timestamptz[], ${to}::timestamptz[])
    AS r (id, customer_id, meter_id, measure, granularity, range_from, range_to)
  LEFT JOIN entitlement_usage_buckets b
    ON b.customer_id = r.customer_id AND b.meter_id = r.meter_id AND b.granularity = r.granularity
   AND b.bucket_start >= r.range_from AND b.bucket_start < r.range_to
  GROUP BY r.id`;

/** The credit of one customer for each (currency, meter) that has any; the arguments name its parameters. */
const CREDIT_FOR = (customer: string, currencies: string, meters: string, at: string) =>
  `SELECT c.currency, c.meter_id, a.balance::text AS balance, a.prepaid_units::text AS prepaid_units
  FROM unnest(${currencies}::text[], ${meters}::uuid[]) AS c (currency, meter_id)
  ${availableCreditJoin(`${customer}::uuid`, 'c.currency', meterItemIds('c.meter_id'), `${at}::timestamptz`, 'a')}
  WHERE a.balance IS NOT NULL OR a.prepaid_units IS NOT NULL`;

const USED_AND_CREDIT = `
  WITH used AS (${USED_IN('$1', '$2', '$3', '$4', '$5', '$6', '$7')}),
       credit AS (${CREDIT_FOR('$8', '$9', '$10', '$11')})
  SELECT (SELECT coalesce(json_agg(u), '[]') FROM used u) AS used,
         (SELECT coalesce(json_agg(c), '[]') FROM credit c) AS credits`;

function rangeParameters(windows: readonly UsageWindow[]): unknown[] {
  const ranges = windows.flatMap((window) =>
    bucketRanges(window).map((range): [UsageWindow, BucketRange] => [window, range]),
  );
  return [
    ranges.map(([window]) => window.id),
    ranges.map(([window]) => window.customerId),
    ranges.map(([window]) => window.meterId),
    ranges.map(([window]) => window.measure),
    ranges.map(([, range]) => range.granularity),
    ranges.map(([, range]) => range.from.toISOString()),
    ranges.map(([, range]) => range.to.toISOString()),
  ];
}

function creditParameters(
  customerId: string,
  wanted: readonly CreditWanted[],
  at: Date,
): unknown[] {
  const distinct = new Map(
    wanted.map((entry) => [creditKey(entry.currency, entry.meterId), entry]),
  );
  return [
    customerId,
    [...distinct.values()].map((entry) => entry.currency),
    [...distinct.values()].map((entry) => entry.meterId),
    at.toISOString(),
  ];
}

function usedById(rows: readonly RangeRow[]): Map<number, Decimal> {
  return new Map(rows.map((row) => [row.id, new Decimal(row.used)]));
}

function creditByKey(rows: readonly CreditRow[]): Map<string, MeterCredit> {
  return new Map(
    rows.map((row) => [
      creditKey(row.currency, row.meter_id),
      {
        currency: row.currency,
        balance: new Decimal(row.balance ?? 0),
        prepaidUnits: new Decimal(row.prepaid_units ?? 0),
      },
    ]),
  );
}

/** The credit of a customer's meter in one currency, by creditKey. */
export function creditKey(currency: string, meterId: string): string {
  return `${currency}/${meterId}`;
}
