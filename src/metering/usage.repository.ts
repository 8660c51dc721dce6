import { Aggregation } from '../catalog/dto/meter.schema';
import { usageMeterJoin } from '../catalog/usage-meter-join-sql';
import { Decimal } from '../common/decimal';
import { Queryable } from '../database/transaction';
import { isWholeHour } from '../common/hour-alignment';
import { DISTINCT_VALUES, meterQuantity, ROLLUP_PARTIALS } from './meter-aggregation';
import { rollupRowsWithin } from './rollup-rows-sql';
import { wholeMonthsWithin } from './whole-months';

export interface UsageQuery {
  customerId: string;
  /** Inclusive start; a whole UTC hour. */
  from: Date;
  /** Exclusive end; a whole UTC hour. */
  to: Date;
  /** Only these meters (by id); every meter with usage when omitted. */
  meterIds?: readonly string[];
  /** Only events whose dimensions include all these values, e.g. a billable item's filter `{"model": "gpt-4o"}`. */
  dimensionFilter?: Readonly<Record<string, string>>;
}

export interface DimensionUsage {
  dimensions: Record<string, string>;
  quantity: Decimal;
}

export interface MeterUsage {
  meterId: string;
  meterKey: string;
  aggregation: Aggregation;
  /** The meter's aggregation over every matching event of the range. */
  quantity: Decimal;
  /** The same aggregation per dimension set, largest quantity first. */
  byDimensions: DimensionUsage[];
}

interface UsageRow {
  meter_id: string;
  meter_key: string;
  aggregation: Aggregation;
  /** null on the row of the whole meter. */
  dimensions: Record<string, string> | null;
  quantity: string;
}

// One pass over the rollup rows (whole months from the monthly rollups, the
// other hours from the hourly ones) gives both levels: GROUPING SETS aggregates
// per (meter, dimension set) and per meter.
const AGGREGATE_USAGE = `
  WITH hourly AS (
    SELECT r.meter_id, r.dimensions, ${ROLLUP_PARTIALS}
    FROM (${rollupRowsWithin(
      'r.meter_id, r.dimensions, r.event_count, r.value_sum, r.value_max, r.last_value, r.last_timestamp, r.last_event_id',
      'r.customer_id = $1 AND ($4::uuid[] IS NULL OR r.meter_id = ANY ($4)) AND r.dimensions @> $5::jsonb',
      '$2::timestamptz',
      '$6::timestamptz',
      '$7::timestamptz',
      '$3::timestamptz',
    )}) r
    GROUP BY GROUPING SETS ((r.meter_id, r.dimensions), (r.meter_id))
  ), uniques AS (
    SELECT v.meter_id, v.dimensions, ${DISTINCT_VALUES} AS distinct_values
    FROM usage_hourly_unique_values v
    WHERE v.customer_id = $1 AND v.hour_start >= $2 AND v.hour_start < $3
      AND ($4::uuid[] IS NULL OR v.meter_id = ANY ($4)) AND v.dimensions @> $5::jsonb
    GROUP BY GROUPING SETS ((v.meter_id, v.dimensions), (v.meter_id))
  )
  SELECT h.meter_id, m.key AS meter_key, m.aggregation, h.dimensions,
         ${meterQuantity('m.aggregation', {
           eventCount: 'h.event_count',
           valueSum: 'h.value_sum',
           valueMax: 'h.value_max',
           lastValue: 'h.last_value',
           distinctValues: 'u.distinct_values',
         })} AS quantity
  FROM hourly h
  ${usageMeterJoin('h.meter_id', 'm')}
  LEFT JOIN uniques u ON u.meter_id = h.meter_id AND u.dimensions IS NOT DISTINCT FROM h.dimensions
  ORDER BY m.key, quantity DESC, h.dimensions::text`;

/**
 * A customer's usage over [from, to), per meter and per dimension set, read
 * from the rollups (never the raw events), each meter aggregated its
 * own way (meter-aggregation.ts).
 *
 * Only meters with at least one event in the range appear. The bounds must be
 * whole hours (see alignToHours), because that is the resolution of the rollups.
 * This is the one reader of usage quantities: invoicing, previews and limits use it.
 */
export async function aggregateUsage(db: Queryable, query: UsageQuery): Promise<MeterUsage[]> {
  if (!isWholeHour(query.from) || !isWholeHour(query.to)) {
    throw new RangeError(
      `usage is kept per hour: [${query.from.toISOString()}, ${query.to.toISOString()}) is not whole hours`,
    );
  }
  const months = wholeMonthsWithin({ start: query.from, end: query.to });
  const rows: UsageRow[] = await db.query(AGGREGATE_USAGE, [
    query.customerId,
    query.from.toISOString(),
    query.to.toISOString(),
    query.meterIds ?? null,
    JSON.stringify(query.dimensionFilter ?? {}),
    months.start.toISOString(),
    months.end.toISOString(),
  ]);
  const meters = new Map<string, MeterUsage>();
  for (const row of rows) {
    const usage = meters.get(row.meter_id) ?? {
      meterId: row.meter_id,
      meterKey: row.meter_key,
      aggregation: row.aggregation,
      quantity: new Decimal(0),
      byDimensions: [],
    };
    meters.set(row.meter_id, usage);
    const quantity = new Decimal(row.quantity);
    if (row.dimensions === null) usage.quantity = quantity;
    else usage.byDimensions.push({ dimensions: row.dimensions, quantity });
  }
  return [...meters.values()];
}
