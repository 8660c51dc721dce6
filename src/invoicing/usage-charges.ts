/**
 * From measured usage to the usage charges of an invoice. Pure.
 *
 * Quantity models are priced from the meter's aggregation. A percentage rate is
 * priced from the events' count and total value (rollups), except when it needs
 * the values one by one: min/max per event bound each event's fee, and when only
 * some events are free, the value of those first events matters.
 */
import { Decimal, sumDecimals } from '../common/decimal';
import { Interval } from '../common/period';
import { Rate, Usage } from '../rating/rate';
import { MeteredItem } from './billing-plan';
import { UsageTotals } from '../metering/billing-usage.repository';
import { UsageCharge } from './invoice-calculator';

/** Which event values a rate needs beyond the totals: none, the first `count` of them, or all. */
export type EventValuesNeeded =
  { kind: 'none' } | { kind: 'first'; count: Decimal } | { kind: 'all' };

export function eventValuesNeeded(rate: Rate, totals: UsageTotals): EventValuesNeeded {
  if (rate.model !== 'percentage') return { kind: 'none' };
  if (rate.minPerEvent !== null || rate.maxPerEvent !== null) return { kind: 'all' };
  if (rate.freeEvents.gt(0) && rate.freeEvents.lt(totals.eventCount)) {
    return { kind: 'first', count: rate.freeEvents };
  }
  return { kind: 'none' };
}

export interface MeasuredUsage {
  item: MeteredItem;
  rate: Rate;
  interval: Interval;
  totals: UsageTotals;
  /** The values eventValuesNeeded asked for, oldest first; null when it asked for none. */
  eventValues: readonly Decimal[] | null;
}

export function usageCharge(measured: MeasuredUsage): UsageCharge {
  const { item, rate, interval, totals } = measured;
  return {
    billableItemId: item.id,
    description: item.name,
    interval,
    rate,
    usage: usageOf(measured),
    // A percentage line shows the value it takes its share of.
    quantity: rate.model === 'percentage' ? totals.totalValue : totals.quantity,
  };
}

function usageOf({ rate, totals, eventValues }: MeasuredUsage): Usage {
  if (rate.model !== 'percentage') return { quantity: totals.quantity };
  const needed = eventValuesNeeded(rate, totals);
  if (needed.kind === 'none')
    return { eventCount: totals.eventCount, totalValue: totals.totalValue };
  if (eventValues === null)
    throw new Error('the event values this percentage rate needs were not read');
  if (needed.kind === 'all') return { events: eventValues };
  return {
    eventCount: totals.eventCount,
    totalValue: totals.totalValue,
    freeEventsValue: sumDecimals(eventValues),
  };
}
