/**
 * Outcome-based pricing: `rate` percent of each event's value (a transaction
 * amount) plus `fixedAmount` per event, events taken oldest first.
 *
 * Our contract says "the first freeEvents events and the first freeAmount of value
 * are free"; where it is silent we follow Lago's percentage model
 * (free_units_per_events, free_units_per_total_aggregation,
 * per_transaction_min_amount / per_transaction_max_amount):
 * - The first `freeEvents` events cost nothing: no percentage, no fixed fee, no
 *   minimum. (Lago likewise exempts their value from the rate.)
 * - The first `freeAmount` of value, counted from the period's first event, pays no
 *   percentage: Lago's "amount that is not subject to the charge rate". It does not
 *   waive fixed fees, which are per event, not per value.
 * - Both allowances are the start of the same stream of value, so they overlap
 *   rather than add up: the free value is the larger of freeAmount and the value
 *   of the free events. (Lago ends both at whichever runs out first; our contract
 *   makes each one free on its own.)
 * - `minPerEvent` / `maxPerEvent` bound each paid event's fee (percentage after the
 *   free amount, plus the fixed fee), shown as adjustment lines.
 *
 * Inputs: `{ events }` always works. `{ eventCount, totalValue }` works for rates
 * without min/max, plus `freeEventsValue` when 0 < freeEvents < eventCount; a
 * missing input is an InvalidRatingInputError that names it.
 */
import { Decimal, sumDecimals } from '../../common/decimal';
import { BreakdownLine, RatingResult, ratingResult } from '../breakdown';
import { InvalidRatingInputError, requireNonNegative, requireWholeNumber } from '../invalid-input';
import type { EventTotalsUsage, PercentageRate, PercentageUsage } from '../rate-types';

/** Period totals with the value of the free events resolved. */
interface EventTotals {
  eventCount: Decimal;
  totalValue: Decimal;
  freeEventsValue: Decimal;
}

const ZERO = new Decimal(0);

export function pricePercentage(rate: PercentageRate, usage: PercentageUsage): RatingResult {
  requireConsistentRate(rate);
  if ('events' in usage) return priceEachEvent(rate, usage.events);
  if (rate.minPerEvent !== null || rate.maxPerEvent !== null) {
    throw new InvalidRatingInputError(
      "a percentage rate with minPerEvent or maxPerEvent bounds each event's fee: price it from { events }, not from totals",
    );
  }
  return ratingResult(feeLines(rate, resolveTotals(rate, usage)));
}

function priceEachEvent(rate: PercentageRate, events: readonly Decimal[]): RatingResult {
  events.forEach((value, index) => requireNonNegative(value, `events[${index}]`));
  const totals: EventTotals = {
    eventCount: new Decimal(events.length),
    totalValue: sumDecimals(events),
    freeEventsValue: sumDecimals(events.filter((_, index) => isFreeEvent(rate, index))),
  };
  return ratingResult([
    ...feeLines(rate, totals),
    ...boundLines(rate, events, freeValue(rate, totals)),
  ]);
}

/** Free events, free amount, the percentage fee and the fixed fees: the whole price when no min/max applies. */
function feeLines(rate: PercentageRate, totals: EventTotals): BreakdownLine[] {
  const freeEventCount = Decimal.min(rate.freeEvents, totals.eventCount);
  const paidEventCount = totals.eventCount.minus(freeEventCount);
  const chargedValue = totals.totalValue.minus(freeValue(rate, totals));
  const share = rate.rate.div(100);
  const lines: BreakdownLine[] = [];
  if (rate.freeEvents.gt(0)) {
    lines.push({
      description: `free events: the first ${rate.freeEvents.toFixed()} (value ${totals.freeEventsValue.toFixed()})`,
      quantity: freeEventCount,
      amount: ZERO,
    });
  }
  if (rate.freeAmount.gt(0)) {
    lines.push({
      description: `free amount: the first ${rate.freeAmount.toFixed()} of value`,
      quantity: Decimal.min(rate.freeAmount, totals.totalValue),
      amount: ZERO,
    });
  }
  lines.push({
    description: `${rate.rate.toFixed()}% of ${chargedValue.toFixed()} of value`,
    quantity: chargedValue,
    unitAmount: share,
    amount: chargedValue.times(share),
  });
  if (!rate.fixedAmount.isZero()) {
    lines.push({
      description: 'fixed fee per paid event',
      quantity: paidEventCount,
      unitAmount: rate.fixedAmount,
      amount: paidEventCount.times(rate.fixedAmount),
    });
  }
  return lines;
}

/** What minPerEvent / maxPerEvent add to or take from the fees of feeLines, event by event. */
function boundLines(
  rate: PercentageRate,
  events: readonly Decimal[],
  freeValueTotal: Decimal,
): BreakdownLine[] {
  const { minPerEvent, maxPerEvent } = rate;
  const share = rate.rate.div(100);
  const raised: Decimal[] = [];
  const capped: Decimal[] = [];
  let valueBefore = ZERO;
  events.forEach((value, index) => {
    const valueAfter = valueBefore.plus(value);
    // The part of this event's value beyond the free value (all of it once past it).
    const chargedValue = Decimal.max(
      ZERO,
      valueAfter.minus(Decimal.max(valueBefore, freeValueTotal)),
    );
    valueBefore = valueAfter;
    if (isFreeEvent(rate, index)) return;
    const fee = chargedValue.times(share).plus(rate.fixedAmount);
    if (minPerEvent !== null && fee.lt(minPerEvent)) raised.push(minPerEvent.minus(fee));
    else if (maxPerEvent !== null && fee.gt(maxPerEvent)) capped.push(maxPerEvent.minus(fee));
  });
  const lines: BreakdownLine[] = [];
  if (minPerEvent !== null) {
    lines.push({
      description: `minimum fee per event (${minPerEvent.toFixed()}): events raised to it`,
      quantity: new Decimal(raised.length),
      amount: sumDecimals(raised),
    });
  }
  if (maxPerEvent !== null) {
    lines.push({
      description: `maximum fee per event (${maxPerEvent.toFixed()}): events capped at it`,
      quantity: new Decimal(capped.length),
      amount: sumDecimals(capped),
    });
  }
  return lines;
}

/** The value that pays no percentage: the larger of the two overlapping allowances. */
function freeValue(rate: PercentageRate, totals: EventTotals): Decimal {
  return Decimal.max(totals.freeEventsValue, Decimal.min(rate.freeAmount, totals.totalValue));
}

function isFreeEvent(rate: PercentageRate, index: number): boolean {
  return rate.freeEvents.gt(index);
}

function resolveTotals(rate: PercentageRate, usage: EventTotalsUsage): EventTotals {
  const { eventCount, totalValue } = usage;
  requireWholeNumber(eventCount, 'eventCount');
  requireNonNegative(totalValue, 'totalValue');
  return { eventCount, totalValue, freeEventsValue: freeEventsValueOf(rate, usage) };
}

function freeEventsValueOf(rate: PercentageRate, usage: EventTotalsUsage): Decimal {
  if (rate.freeEvents.isZero()) return ZERO;
  if (rate.freeEvents.gte(usage.eventCount)) return usage.totalValue; // every event is free
  const { freeEventsValue } = usage;
  if (freeEventsValue === undefined) {
    throw new InvalidRatingInputError(
      `freeEventsValue (the value of the first ${rate.freeEvents.toFixed()} events) is required when only some events are free`,
    );
  }
  requireNonNegative(freeEventsValue, 'freeEventsValue');
  if (freeEventsValue.gt(usage.totalValue)) {
    throw new InvalidRatingInputError('freeEventsValue cannot exceed totalValue');
  }
  return freeEventsValue;
}

function requireConsistentRate(rate: PercentageRate): void {
  requireWholeNumber(rate.freeEvents, 'freeEvents');
  requireNonNegative(rate.freeAmount, 'freeAmount');
  if (
    rate.minPerEvent !== null &&
    rate.maxPerEvent !== null &&
    rate.minPerEvent.gt(rate.maxPerEvent)
  ) {
    throw new InvalidRatingInputError('minPerEvent cannot exceed maxPerEvent');
  }
}
