import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../common/decimal';
import { DAY_MS } from './utc-days';

/** One meter's usage per UTC day, oldest first; days without usage are absent. */
export type DailyTotals = Map<string, Array<{ day: Date; quantity: Decimal }>>;

// Per day from the hourly rollups: cumulative meters add their hours up; gauges
// keep the day's highest reading (max) or last one; unique counts the day's distinct values.
const DAILY_USAGE = `
  WITH hourly AS (
    SELECT meter_id, date_trunc('day', hour_start AT TIME ZONE 'UTC') AS day,
           sum(event_count) AS event_count, sum(value_sum) AS value_sum, max(value_max) AS value_max,
           (array_agg(last_value ORDER BY last_timestamp DESC, last_event_id COLLATE "C" DESC))[1] AS last_value
    FROM usage_hourly_rollups
    WHERE customer_id = $1 AND hour_start >= $2 AND hour_start < $3
    GROUP BY meter_id, day
  ), uniques AS (
    SELECT meter_id, date_trunc('day', hour_start AT TIME ZONE 'UTC') AS day, count(DISTINCT value) AS distinct_values
    FROM usage_hourly_unique_values
    WHERE customer_id = $1 AND hour_start >= $2 AND hour_start < $3
    GROUP BY meter_id, day
  )
  SELECT h.meter_id, to_char(h.day, 'YYYY-MM-DD') AS day,
         (CASE m.aggregation
            WHEN 'sum' THEN h.value_sum
            WHEN 'count' THEN h.event_count
            WHEN 'max' THEN h.value_max
            WHEN 'last' THEN h.last_value
            WHEN 'unique_count' THEN u.distinct_values
          END)::text AS quantity
  FROM hourly h
  JOIN meters m ON m.id = h.meter_id
  LEFT JOIN uniques u ON u.meter_id = h.meter_id AND u.day = h.day
  ORDER BY h.meter_id, h.day`;

/** Daily usage series for forecasts, backtests and spike rules, from the hourly rollups. */
@Injectable()
export class DailyUsageRepository {
  constructor(private readonly db: DataSource) {}

  /** A customer's usage per meter and UTC day in [from, to); `from` and `to` are whole hours. */
  async dailyTotals(customerId: string, from: Date, to: Date): Promise<DailyTotals> {
    const rows: Array<{ meter_id: string; day: string; quantity: string | null }> =
      await this.db.query(DAILY_USAGE, [customerId, from.toISOString(), to.toISOString()]);
    const totals: DailyTotals = new Map();
    for (const row of rows) {
      const days = totals.get(row.meter_id) ?? [];
      days.push({
        day: new Date(`${row.day}T00:00:00Z`),
        quantity: new Decimal(row.quantity ?? 0),
      });
      totals.set(row.meter_id, days);
    }
    return totals;
  }
}

/** Dense days [firstDay, firstDay + count) from sparse totals: an idle day is zero. */
export function denseDays(
  sparse: ReadonlyArray<{ day: Date; quantity: Decimal }>,
  firstDay: Date,
  count: number,
): Decimal[] {
  const days = Array.from({ length: Math.max(count, 0) }, () => new Decimal(0));
  for (const { day, quantity } of sparse) {
    const index = Math.round((day.getTime() - firstDay.getTime()) / DAY_MS);
    if (index >= 0 && index < days.length) days[index] = quantity;
  }
  return days;
}
