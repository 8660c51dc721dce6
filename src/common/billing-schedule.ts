/**
 * Which usage and which licence fees one billing period of a subscription bills.
 *
 * A subscription runs two series of half-open intervals [start, end) (DESIGN.md,
 * "billing cadence vs service interval"); the last interval of each is cut at the
 * subscription end:
 * - billing periods (one invoice each) start at the subscription start and follow
 *   the billing cadence. With an anchor day, the first period runs from the start
 *   to the first anchor date (00:00 UTC on that day of the month, clamped to short
 *   months), then full cadence periods start on that day.
 * - service intervals (usage aggregation, limit resets, credit grants) follow the
 *   plan version's service interval, which is never longer than the billing
 *   cadence. They are anchored at the subscription start, or, with an anchor day,
 *   at the first anchor date like the billing periods (a customer billed on the
 *   1st expects limits to reset on the 1st), after a short first interval
 *   [start, first anchor date).
 *
 * Usage is billed in arrears: a period bills the service intervals that END in it,
 * interval.end ∈ (period.start, period.end], so each interval is billed once it is
 * complete, and the final, cut interval in the period that contains the end.
 *
 * Licence fees are billed in advance: a period bills the service intervals that
 * START in it, interval.start ∈ [period.start, period.end).
 *
 * Proration: the fee of an interval shorter than a full one is multiplied by
 *   prorationFactor = duration(interval) / duration(full interval starting at interval.start)
 * an exact Decimal (15 days of a 30-day April → 0.5), where the full interval is the
 * uncut service interval of the series; every uncut interval has factor 1. So a
 * subscription starting mid-period (with an anchor day) pays for the short first
 * interval against the full interval that ends at the first anchor date (Jan 15 →
 * Feb 1 is 17/31 of a month), and one ending mid-interval for the part it used.
 *
 * Out of scope: because fees are billed in advance, an end date set after the fee
 * of its interval was invoiced calls for a credit note, which is not computed here.
 */
import { Decimal } from './decimal';
import {
  Cadence,
  Interval,
  addCalendar,
  alignToAnchorDay,
  intervalContaining,
  intervalsBetween,
  isLongerThan,
  isMonthBased,
} from './period';

export interface ScheduleInput {
  subscriptionStart: Date;
  subscriptionEnd: Date | null;
  billingCadence: Cadence;
  /** 1–31: billing periods start on this day of the month (month, quarter and year cadences). */
  anchorDay?: number | null;
  serviceInterval: Cadence;
}

export interface LicenceInterval extends Interval {
  prorationFactor: Decimal;
}

export interface PeriodSchedule {
  /** Service intervals whose usage the period bills (those that end in it). */
  usageIntervals: Interval[];
  /** Service intervals whose licence fees the period bills in advance (those that start in it). */
  licenceIntervals: LicenceInterval[];
}

/**
 * One series of a subscription: intervals from `start` to `end`, stepping by
 * `cadence` from `anchor`; when `anchor` is after `start`, a short first interval
 * [start, anchor) comes before the regular ones.
 */
interface Timeline {
  start: Date;
  end: Date | null;
  anchor: Date;
  cadence: Cadence;
  dayOfMonth?: number;
}

/** The billing periods that overlap [from, to), in order. */
export function billingPeriods(input: ScheduleInput, from: Date, to: Date): Interval[] {
  return intervalsOf(billingTimeline(input), from, to);
}

/** The billing period that contains `at`; null before the subscription starts or once it has ended. */
export function periodContaining(input: ScheduleInput, at: Date): Interval | null {
  return intervalContainingOf(billingTimeline(input), at);
}

/** The service intervals that overlap [from, to), in order. */
export function serviceIntervalsBetween(input: ScheduleInput, from: Date, to: Date): Interval[] {
  return intervalsOf(serviceTimeline(input), from, to);
}

/** The service interval that contains `at`; null before the subscription starts or once it has ended. */
export function currentServiceInterval(input: ScheduleInput, at: Date): Interval | null {
  return intervalContainingOf(serviceTimeline(input), at);
}

/** What a billing period (one of `billingPeriods`) bills: see the rules at the top of this file. */
export function scheduleForPeriod(input: ScheduleInput, period: Interval): PeriodSchedule {
  // Every interval overlapping the period ends after period.start and starts before period.end.
  const overlapping = serviceIntervalsBetween(input, period.start, period.end);
  return {
    usageIntervals: overlapping.filter((interval) => interval.end <= period.end),
    licenceIntervals: overlapping
      .filter((interval) => interval.start >= period.start)
      .map((interval) => ({
        ...interval,
        prorationFactor: serviceIntervalProration(input, interval),
      })),
  };
}

/** The share of a full service interval that one of the series' intervals covers (see "Proration" above). */
export function serviceIntervalProration(input: ScheduleInput, interval: Interval): Decimal {
  return prorationOn(serviceTimeline(input), interval);
}

/** The same for a billing period: a short first period (anchor day) or a cut last one is below 1. */
export function billingPeriodProration(input: ScheduleInput, period: Interval): Decimal {
  return prorationOn(billingTimeline(input), period);
}

function prorationOn(timeline: Timeline, interval: Interval): Decimal {
  const full =
    interval.start < timeline.anchor
      ? {
          start: addCalendar(timeline.anchor, timeline.cadence, -1, timeline.dayOfMonth),
          end: timeline.anchor,
        }
      : intervalContaining(timeline.anchor, timeline.cadence, interval.start, timeline.dayOfMonth);
  return new Decimal(durationMs(interval)).div(durationMs(full));
}

function billingTimeline(input: ScheduleInput): Timeline {
  assertValidInput(input);
  const { subscriptionStart: start, anchorDay } = input;
  const withAnchorDay = anchorDay !== undefined && anchorDay !== null;
  return {
    start,
    end: input.subscriptionEnd,
    anchor: withAnchorDay ? alignToAnchorDay(start, anchorDay) : start,
    cadence: input.billingCadence,
    dayOfMonth: withAnchorDay ? anchorDay : undefined,
  };
}

function serviceTimeline(input: ScheduleInput): Timeline {
  const billing = billingTimeline(input);
  const cadence = input.serviceInterval;
  // Month-based intervals keep the anchor day (31 → Feb 28 → Mar 31); fixed ones step in time.
  const dayOfMonth = isMonthBased(cadence) ? billing.dayOfMonth : undefined;
  return {
    start: billing.start,
    end: billing.end,
    anchor: firstServiceBoundary(billing, cadence, dayOfMonth),
    cadence,
    dayOfMonth,
  };
}

/**
 * The service series runs through the billing anchor date; its first boundary
 * after the start ends the short first interval (the start itself when the
 * series has a boundary there).
 */
function firstServiceBoundary(billing: Timeline, cadence: Cadence, dayOfMonth?: number): Date {
  if (billing.anchor <= billing.start) return billing.start;
  let steps = 1;
  let origin = addCalendar(billing.anchor, cadence, -steps, dayOfMonth);
  while (origin > billing.start) {
    steps *= 2;
    origin = addCalendar(billing.anchor, cadence, -steps, dayOfMonth);
  }
  const containing = intervalContaining(origin, cadence, billing.start, dayOfMonth);
  return containing.start.getTime() === billing.start.getTime() ? billing.start : containing.end;
}

function intervalsOf(timeline: Timeline, from: Date, to: Date): Interval[] {
  const until = timeline.end !== null && timeline.end < to ? timeline.end : to;
  const first = firstShortInterval(timeline);
  const leading = first && first.start < until && first.end > from ? [first] : [];
  const regular = intervalsBetween(
    timeline.anchor,
    timeline.cadence,
    from,
    until,
    timeline.dayOfMonth,
  );
  return [...leading, ...regular].map((interval) => cutAt(interval, timeline.end));
}

function intervalContainingOf(timeline: Timeline, at: Date): Interval | null {
  if (at < timeline.start || (timeline.end !== null && at >= timeline.end)) return null;
  const first = firstShortInterval(timeline);
  const interval =
    first && at < first.end
      ? first
      : intervalContaining(timeline.anchor, timeline.cadence, at, timeline.dayOfMonth);
  return cutAt(interval, timeline.end);
}

function firstShortInterval(timeline: Timeline): Interval | null {
  return timeline.anchor > timeline.start ? { start: timeline.start, end: timeline.anchor } : null;
}

function cutAt(interval: Interval, end: Date | null): Interval {
  return end !== null && end < interval.end ? { start: interval.start, end } : interval;
}

function durationMs(interval: Interval): number {
  return interval.end.getTime() - interval.start.getTime();
}

function assertValidInput(input: ScheduleInput): void {
  const { subscriptionStart, subscriptionEnd, billingCadence, anchorDay, serviceInterval } = input;
  if (isLongerThan(serviceInterval, billingCadence)) {
    throw new RangeError(
      `the service interval (${describe(serviceInterval)}) is longer than the billing cadence (${describe(billingCadence)})`,
    );
  }
  if (subscriptionEnd !== null && subscriptionEnd <= subscriptionStart) {
    throw new RangeError('a subscription must end after it starts');
  }
  if (anchorDay !== undefined && anchorDay !== null && !isMonthBased(billingCadence)) {
    throw new RangeError('an anchor day needs a month, quarter or year billing cadence');
  }
}

function describe(cadence: Cadence): string {
  return `${cadence.count} ${cadence.unit}`;
}
