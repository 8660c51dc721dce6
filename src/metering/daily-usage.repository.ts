import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { usageMeterJoin } from '../catalog/usage-meter-join-sql';
import { Decimal } from '../common/decimal';
import { DISTINCT_VALUES, meterQuantity, ROLLUP_PARTIALS } from './meter-aggregation';

/** One meter's usage per UTC day, oldest first; days without usage are absent. */
export type DailyTotals = Map<string, Array<{ day: Date; quantity: Decimal }>>;

// Per day from the hourly rollups, each meter aggregated its own way over the
// day (meter-aggregation.ts): cumulative meters add their hours up; gauges keep
// the day's highest reading (max) or last one; unique counts the day's distinct values.
const DAILY_USAGE = `
  WITH hourly AS (
    SELECT r.meter_id, date_trunc('day', r.hour_start AT TIME ZONE 'UTC') AS day, ${ROLLUP_PARTIALS}
    FROM usage_hourly_rollups r
    WHERE r.customer_id = $1 AND r.hour_start >= $2 AND r.hour_start < $3
    GROUP BY r.meter_id, day
  ), uniques AS (
    SELECT v.meter_id, date_trunc('day', v.hour_start AT TIME ZONE 'UTC') AS day,
           ${DISTINCT_VALUES} AS distinct_values
    FROM usage_hourly_unique_values v
    WHERE v.customer_id = $1 AND v.hour_start >= $2 AND v.hour_start < $3
    GROUP BY v.meter_id, day
  )
  SELECT h.meter_id, to_char(h.day, 'YYYY-MM-DD') AS day,
         (${meterQuantity('m.aggregation', {
           eventCount: 'h.event_count',
           valueSum: 'h.value_sum',
           valueMax: 'h.value_max',
           lastValue: 'h.last_value',
           distinctValues: 'u.distinct_values',
         })})::text AS quantity
  FROM hourly h
  ${usageMeterJoin('h.meter_id', 'm')}
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
