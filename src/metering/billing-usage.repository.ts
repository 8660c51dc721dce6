import { Injectable } from '@nestjs/common';
import { usageMeterJoin } from '../catalog/usage-meter-join-sql';
import { Decimal } from '../common/decimal';
import { Interval } from '../common/period';
import { Queryable } from '../database/transaction';
import { isWholeHour } from '../common/hour-alignment';
import { DISTINCT_VALUES, latestFirst, meterQuantity, oldestFirst } from './meter-aggregation';
import { rollupRowsWithin } from './rollup-rows-sql';
import { wholeMonthsWithin } from './whole-months';

/** The events of one meter for one customer over whole hours, restricted to a billable item's filter. */
export interface UsageSelection {
  customerId: string;
  meterId: string;
  interval: Interval;
  filter: Readonly<Record<string, string>>;
}

export interface UsageTotals {
  /** The meter's own aggregation (sum, count, max, last or distinct count). */
  quantity: Decimal;
  eventCount: Decimal;
  /** The sum of the events' values: what a percentage rate takes its share of. */
  totalValue: Decimal;
}

interface TotalsRow {
  n: string;
  quantity: string | null;
  event_count: string;
  total_value: string;
}

/**
 * A selection's rollup rows with `columns`, where `condition` holds
 * (rollup-rows-sql.ts). Every part names the selections' customers ($1) as
 * values: on Citus that, not the join to the selection, is what keeps it on
 * their nodes.
 */
export function selectionRollupRows(columns: string, condition: string): string {
  return rollupRowsWithin(
    columns,
    `${condition} AND r.customer_id = ANY($1::uuid[]) AND r.customer_id = s.customer_id
      AND r.meter_id = s.meter_id AND r.dimensions @> s.filter`,
    's.from_hour',
    's.months_from',
    's.months_to',
    's.to_hour',
  );
}

// One statement for every (item, service interval) of an invoice, read from the
// rollups: its cost follows the number of months, edge hours and dimension sets,
// never the number of events. Each meter aggregates as meter-aggregation.ts defines.
const TOTALS = `
  WITH selection AS (
    SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[], $4::timestamptz[], $5::timestamptz[],
                         $6::timestamptz[], $7::jsonb[])
      WITH ORDINALITY AS s (customer_id, meter_id, from_hour, months_from, months_to, to_hour, filter, n)
  )
  SELECT s.n, coalesce(h.event_count, 0)::text AS event_count, coalesce(h.value_sum, 0)::text AS total_value,
         (${meterQuantity('m.aggregation', {
           eventCount: 'h.event_count',
           valueSum: 'h.value_sum',
           valueMax: 'h.value_max',
           lastValue: 'l.last_value',
           distinctValues: 'u.distinct_values',
         })})::text AS quantity
  FROM selection s
  ${usageMeterJoin('s.meter_id', 'm')}
  CROSS JOIN LATERAL (
    SELECT sum(p.event_count) AS event_count, sum(p.value_sum) AS value_sum, max(p.value_max) AS value_max
    FROM (${selectionRollupRows('r.event_count, r.value_sum, r.value_max', 'true')}) p
  ) h
  -- The latest event and distinct values are read only for the meters that need them.
  LEFT JOIN LATERAL (
    SELECT p.last_value
    FROM (${selectionRollupRows('r.last_value, r.last_timestamp, r.last_event_id', "m.aggregation = 'last'")}) p
    ORDER BY ${latestFirst('p.last_timestamp', 'p.last_event_id')}
    LIMIT 1
  ) l ON true
  LEFT JOIN LATERAL (
    SELECT ${DISTINCT_VALUES} AS distinct_values
    FROM usage_hourly_unique_values v
    WHERE m.aggregation = 'unique_count' AND v.customer_id = ANY($1::uuid[]) AND v.customer_id = s.customer_id
      AND v.meter_id = s.meter_id
      AND v.hour_start >= s.from_hour AND v.hour_start < s.to_hour AND v.dimensions @> s.filter
  ) u ON true
  ORDER BY s.n`;

/** Usage as invoices price it. */
@Injectable()
export class BillingUsageRepository {
  /** Totals for each selection, in the same order. */
  async totals(db: Queryable, selections: readonly UsageSelection[]): Promise<UsageTotals[]> {
    if (selections.length === 0) return [];
    for (const { interval } of selections) assertWholeHours(interval);
    const months = selections.map(({ interval }) => wholeMonthsWithin(interval));
    const rows: TotalsRow[] = await db.query(TOTALS, [
      selections.map((s) => s.customerId),
      selections.map((s) => s.meterId),
      selections.map((s) => s.interval.start.toISOString()),
      months.map((m) => m.start.toISOString()),
      months.map((m) => m.end.toISOString()),
      selections.map((s) => s.interval.end.toISOString()),
      selections.map((s) => JSON.stringify(s.filter)),
    ]);
    return rows.map((row) => ({
      // A "last" or "max" meter without events has no value: nothing was used.
      quantity: new Decimal(row.quantity ?? 0),
      eventCount: new Decimal(row.event_count),
      totalValue: new Decimal(row.total_value),
    }));
  }

  /**
   * The values of the selected events, oldest first (ties by event id, as the
   * rollups break them), at most `limit` of them. This reads raw events: the one
   * place where invoicing cost grows with events, used only by percentage rates
   * that bound each event's fee (min/max) or make only some events free.
   */
  async eventValues(
    db: Queryable,
    selection: UsageSelection,
    limit: Decimal | null,
  ): Promise<Decimal[]> {
    const rows: Array<{ value: string }> = await db.query(
      `SELECT coalesce(value, 0)::text AS value FROM usage_events
       WHERE customer_id = $1 AND meter_id = $2 AND timestamp >= $3 AND timestamp < $4 AND dimensions @> $5::jsonb
       ORDER BY ${oldestFirst('timestamp', 'event_id')}
       LIMIT $6`,
      [
        selection.customerId,
        selection.meterId,
        selection.interval.start.toISOString(),
        selection.interval.end.toISOString(),
        JSON.stringify(selection.filter),
        limit === null ? null : limit.toFixed(),
      ],
    );
    return rows.map((row) => new Decimal(row.value));
  }
}

function assertWholeHours(interval: Interval): void {
  if (!isWholeHour(interval.start) || !isWholeHour(interval.end)) {
    throw new RangeError(
      `usage is kept per hour: [${interval.start.toISOString()}, ${interval.end.toISOString()}) is not whole hours`,
    );
  }
}
