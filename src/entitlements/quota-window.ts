/**
 * Window arithmetic of quotas, in UTC. Pure: no database, no clock.
 *
 * Usage is counted in hour and day buckets (see entitlement-usage.repository.ts),
 * so every window is a whole number of hours:
 * - `calendar` windows are the UTC hour, the UTC day, the ISO week (Monday
 *   00:00 UTC) or the subscription's service interval (already whole hours,
 *   see common/hour-alignment.ts) that contains the instant;
 * - `rolling` windows (day and week only) slide by the hour: the current hour
 *   and the 23 (day) or 167 (week) hours before it. A rolling hour would need
 *   finer buckets than usage keeps, so an hourly quota is always calendar-aligned.
 */
import { Decimal, ZERO } from '../common/decimal';
import { HOUR_MS, startOfHour } from '../common/hour-alignment';
import { Interval } from '../common/period';

export const QUOTA_WINDOWS = ['hour', 'day', 'week', 'interval'] as const;
export type QuotaWindow = (typeof QUOTA_WINDOWS)[number];

export const QUOTA_ALIGNMENTS = ['calendar', 'rolling'] as const;
export type QuotaAlignment = (typeof QUOTA_ALIGNMENTS)[number];

/** The windows that may slide: their length is fixed, and longer than a bucket. */
export const ROLLING_WINDOWS: readonly QuotaWindow[] = ['day', 'week'];

export interface WindowSpec {
  window: QuotaWindow;
  alignment: QuotaAlignment;
}

const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;
/** 1970-01-05T00:00Z, a Monday: ISO weeks are counted from it. */
const MONDAY_EPOCH_MS = 4 * DAY_MS;

const FIXED_LENGTH_MS: Readonly<Record<Exclude<QuotaWindow, 'interval'>, number>> = {
  hour: HOUR_MS,
  day: DAY_MS,
  week: WEEK_MS,
};

/** The length of a fixed window; the service interval has none (months differ). */
function fixedLengthMs(window: QuotaWindow): number | null {
  return window === 'interval' ? null : FIXED_LENGTH_MS[window];
}

/** The length of a window that slides (a rolling day or week); null for one the calendar fixes. */
export function rollingLengthMs(spec: WindowSpec): number | null {
  return spec.alignment === 'rolling' ? fixedLengthMs(spec.window) : null;
}

/**
 * The window of `spec` that counts usage at `at`. For the service interval the
 * caller passes the subscription's current interval (null when it has none:
 * then the quota does not apply and this returns null).
 */
export function windowAt(
  spec: WindowSpec,
  at: Date,
  serviceInterval: Interval | null,
): Interval | null {
  if (spec.window === 'interval') return serviceInterval;
  const length = FIXED_LENGTH_MS[spec.window];
  if (spec.alignment === 'rolling') {
    const end = startOfHour(at).getTime() + HOUR_MS;
    return { start: new Date(end - length), end: new Date(end) };
  }
  return calendarWindow(spec.window, at);
}

/** The calendar hour, day or ISO week containing `at`. */
export function calendarWindow(window: Exclude<QuotaWindow, 'interval'>, at: Date): Interval {
  const length = FIXED_LENGTH_MS[window];
  const origin = window === 'week' ? MONDAY_EPOCH_MS : 0;
  const start = Math.floor((at.getTime() - origin) / length) * length + origin;
  return { start: new Date(start), end: new Date(start + length) };
}

export type BucketGranularity = 'hour' | 'day';

export interface BucketRange {
  granularity: BucketGranularity;
  /** Bucket starts in [from, to). */
  from: Date;
  to: Date;
}

/**
 * The buckets that add up to a whole-hour window: whole UTC days from day
 * buckets, the hours before the first and after the last whole day from hour
 * buckets. A month is then about 30 day rows and a few dozen hour rows.
 */
export function bucketRanges(window: Interval): BucketRange[] {
  const start = window.start.getTime();
  const end = window.end.getTime();
  const firstDay = Math.ceil(start / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(end / DAY_MS) * DAY_MS;
  if (firstDay >= lastDay) return [hours(start, end)];
  const ranges: BucketRange[] = [];
  if (start < firstDay) ranges.push(hours(start, firstDay));
  ranges.push({ granularity: 'day', from: new Date(firstDay), to: new Date(lastDay) });
  if (lastDay < end) ranges.push(hours(lastDay, end));
  return ranges;
}

function hours(from: number, to: number): BucketRange {
  return { granularity: 'hour', from: new Date(from), to: new Date(to) };
}

export interface HourUsage {
  hourStart: Date;
  quantity: Decimal;
}

/**
 * When a rolling window next gives room back, if no more usage arrives: an
 * hour of usage leaves the window `length` after it started. Exhausted (used
 * ≥ quantity), the instant enough has left for usage to be under the quantity
 * again; otherwise the instant the oldest usage leaves; with no usage at all,
 * the next hour (nothing to reset, the window just slides).
 */
export function rollingResetsAt(
  hoursUsed: readonly HourUsage[],
  lengthMs: number,
  quantity: Decimal,
  now: Date,
): Date {
  const ordered = [...hoursUsed]
    .filter((hour) => hour.quantity.gt(0))
    .sort((a, b) => a.hourStart.getTime() - b.hourStart.getTime());
  const nextHour = new Date(startOfHour(now).getTime() + HOUR_MS);
  if (ordered.length === 0) return nextHour;
  let remaining = ordered.reduce((total, hour) => total.plus(hour.quantity), ZERO);
  // Quantities are positive, so usage falls under the quantity by the last hour at the latest.
  const freeing = ordered.find((hour) => {
    remaining = remaining.minus(hour.quantity);
    return remaining.lt(quantity);
  });
  return new Date((freeing ?? ordered[ordered.length - 1]).hourStart.getTime() + lengthMs);
}

export const QUOTA_KINDS = ['hard', 'soft'] as const;
export type QuotaKind = (typeof QUOTA_KINDS)[number];

export interface QuotaStanding {
  used: Decimal;
  remaining: Decimal;
  /** hard: used < quantity (or credit pays the overage); soft: always. */
  allowed: boolean;
  /** used ≥ quantity: a hard quota refuses, a soft one flags. */
  exceeded: boolean;
}

/**
 * Where a quota stands. The quantity in force now applies to everything used
 * in the window so far, so a quota lowered mid-window may leave nothing (and a
 * raised one gives the difference at once): usage never restarts with a change.
 */
export function standing(
  kind: QuotaKind,
  quantity: Decimal,
  used: Decimal,
  creditPaysOverage: boolean,
): QuotaStanding {
  const exceeded = used.gte(quantity);
  const remaining = exceeded ? ZERO : quantity.minus(used);
  return { used, remaining, exceeded, allowed: kind === 'soft' || !exceeded || creditPaysOverage };
}
