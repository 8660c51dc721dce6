import { Aggregation } from '../catalog/dto/meter.schema';
import { Decimal } from '../common/decimal';
import { Queryable } from '../database/transaction';
import { isWholeHour } from '../common/hour-alignment';

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

// One pass over the hourly rows gives both levels: GROUPING SETS aggregates per
// (meter, dimension set) and per meter. Distinct values cannot be added up
// across hours or dimension sets, so unique_count reads its own table.
const AGGREGATE_USAGE = `
  WITH hourly AS (
    SELECT meter_id, dimensions,
           sum(event_count) AS event_count, sum(value_sum) AS value_sum, max(value_max) AS value_max,
           (array_agg(last_value ORDER BY last_timestamp DESC, last_event_id COLLATE "C" DESC))[1] AS last_value
    FROM usage_hourly_rollups
    WHERE customer_id = $1 AND hour_start >= $2 AND hour_start < $3
      AND ($4::uuid[] IS NULL OR meter_id = ANY ($4)) AND dimensions @> $5::jsonb
    GROUP BY GROUPING SETS ((meter_id, dimensions), (meter_id))
  ), uniques AS (
    SELECT meter_id, dimensions, count(DISTINCT value) AS distinct_values
    FROM usage_hourly_unique_values
    WHERE customer_id = $1 AND hour_start >= $2 AND hour_start < $3
      AND ($4::uuid[] IS NULL OR meter_id = ANY ($4)) AND dimensions @> $5::jsonb
    GROUP BY GROUPING SETS ((meter_id, dimensions), (meter_id))
  )
  SELECT m.id AS meter_id, m.key AS meter_key, m.aggregation, h.dimensions,
         CASE m.aggregation
           WHEN 'sum' THEN h.value_sum
           WHEN 'count' THEN h.event_count
           WHEN 'max' THEN h.value_max
           WHEN 'last' THEN h.last_value
           WHEN 'unique_count' THEN u.distinct_values
         END AS quantity
  FROM hourly h
  JOIN meters m ON m.id = h.meter_id
  LEFT JOIN uniques u ON u.meter_id = h.meter_id AND u.dimensions IS NOT DISTINCT FROM h.dimensions
  ORDER BY m.key, quantity DESC, h.dimensions::text`;

/**
 * A customer's usage over [from, to), per meter and per dimension set, read
 * from the hourly rollups (never the raw events), each meter aggregated its
 * own way: sum of values, count of events, max value, last value (latest
 * timestamp, ties broken by event id), or count of distinct values.
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
  const rows: UsageRow[] = await db.query(AGGREGATE_USAGE, [
    query.customerId,
    query.from.toISOString(),
    query.to.toISOString(),
    query.meterIds ?? null,
    JSON.stringify(query.dimensionFilter ?? {}),
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
