/**
 * How a meter turns events into a quantity, in SQL: the one definition that
 * the usage endpoint and limits (usage.repository.ts), invoices
 * (billing-usage.repository.ts), forecasts (daily-usage.repository.ts) and the
 * rollups themselves (usage-events.repository.ts) compose. All four live in
 * metering, which owns the usage tables; the others import them.
 *
 * - `sum`: the sum of the values; `count`: the number of events; `max`: the
 *   highest value;
 * - `last`: the value of the latest event, ties on the timestamp broken by the
 *   greatest event id in byte order (`COLLATE "C"`, the same on every
 *   database whatever its locale);
 * - `unique_count`: the number of distinct values, which cannot be added up
 *   across hours or dimension sets, so it is counted from its own table.
 */

/** `ORDER BY` terms putting the latest event (the one `last` keeps) first. */
export function latestFirst(timestamp: string, eventId: string): string {
  return `${timestamp} DESC, ${eventId} COLLATE "C" DESC`;
}

/** `ORDER BY` terms putting events oldest first: the reverse of `latestFirst`. */
export function oldestFirst(timestamp: string, eventId: string): string {
  return `${timestamp}, ${eventId} COLLATE "C"`;
}

/** True when the event (a) comes after the event (b) in the order `last` uses. */
export function isLater(
  a: { timestamp: string; eventId: string },
  b: { timestamp: string; eventId: string },
): string {
  return `(${a.timestamp}, ${a.eventId} COLLATE "C") > (${b.timestamp}, ${b.eventId} COLLATE "C")`;
}

/**
 * The `ON CONFLICT … DO UPDATE` that adds a group of events (`excluded`) to
 * the rollup row `r` of its period: counts and sums add up, the maximum and
 * the latest event are kept.
 */
export function addToRollup(periodColumn: string): string {
  const newer = isLater(
    { timestamp: 'excluded.last_timestamp', eventId: 'excluded.last_event_id' },
    { timestamp: 'r.last_timestamp', eventId: 'r.last_event_id' },
  );
  return `ON CONFLICT (customer_id, meter_id, ${periodColumn}, dimensions) DO UPDATE SET
      event_count = r.event_count + excluded.event_count,
      value_sum = r.value_sum + excluded.value_sum,
      value_max = greatest(r.value_max, excluded.value_max),
      last_value = CASE WHEN ${newer} THEN excluded.last_value ELSE r.last_value END,
      last_timestamp = CASE WHEN ${newer} THEN excluded.last_timestamp ELSE r.last_timestamp END,
      last_event_id = CASE WHEN ${newer} THEN excluded.last_event_id ELSE r.last_event_id END`;
}

/**
 * The select list that merges hourly rollup rows (`usage_hourly_rollups`,
 * aliased `r`) into one partial per group: event_count, value_sum, value_max,
 * last_value. Use with a GROUP BY.
 */
export const ROLLUP_PARTIALS = `sum(r.event_count) AS event_count, sum(r.value_sum) AS value_sum,
  max(r.value_max) AS value_max,
  (array_agg(r.last_value ORDER BY ${latestFirst('r.last_timestamp', 'r.last_event_id')}))[1] AS last_value`;

/** The distinct values of `usage_hourly_unique_values` rows (aliased `v`) in a group. */
export const DISTINCT_VALUES = 'count(DISTINCT v.value)';

/** Where each aggregation's figure sits in a query: column expressions. */
export interface AggregationParts {
  eventCount: string;
  valueSum: string;
  valueMax: string;
  lastValue: string;
  distinctValues: string;
}

/** The meter's quantity: the part its aggregation (a `meters.aggregation` expression) names. */
export function meterQuantity(aggregation: string, parts: AggregationParts): string {
  return `CASE ${aggregation}
    WHEN 'sum' THEN ${parts.valueSum}
    WHEN 'count' THEN ${parts.eventCount}
    WHEN 'max' THEN ${parts.valueMax}
    WHEN 'last' THEN ${parts.lastValue}
    WHEN 'unique_count' THEN ${parts.distinctValues}
  END`;
}
