/**
 * The UTC-day calendar of the daily usage series. Time is measured in
 * milliseconds (JS numbers are exact for instants); a share of a day that
 * multiplies a quantity is a Decimal, so quantities never pass through floats.
 */
import { Decimal } from '../common/decimal';

export const DAY_MS = 86_400_000;

/** 00:00 UTC of the day containing `instant`. */
export function startOfUtcDay(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / DAY_MS) * DAY_MS);
}

export function addDays(day: Date, days: number): Date {
  return new Date(day.getTime() + days * DAY_MS);
}

/** Whole days from `from` to `to`, both 00:00 UTC. */
export function daysBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / DAY_MS);
}

/** The length of [from, to) in days, exactly: 6 hours is 0.25. */
export function dayFraction(from: Date, to: Date): Decimal {
  return new Decimal(to.getTime() - from.getTime()).div(DAY_MS);
}

/** `days` after `from`, to the millisecond; the inverse of dayFraction. */
export function addDayFraction(from: Date, days: Decimal): Date {
  return new Date(from.getTime() + days.times(DAY_MS).round().toNumber());
}

export function isWeekend(day: Date): boolean {
  const dayOfWeek = day.getUTCDay();
  return dayOfWeek === 0 || dayOfWeek === 6;
}

/** The part of one UTC day that lies in a time range. */
export interface DaySegment {
  /** 00:00 UTC of the day. */
  day: Date;
  start: Date;
  end: Date;
  /** (end − start) in days, in (0, 1]. */
  fraction: Decimal;
}

/** Cuts [from, to) at UTC midnights, oldest first; nothing when to ≤ from. */
export function* daySegments(from: Date, to: Date): Generator<DaySegment> {
  for (let start = from; start < to;) {
    const day = startOfUtcDay(start);
    const nextDay = addDays(day, 1);
    const end = nextDay < to ? nextDay : to;
    yield { day, start, end, fraction: dayFraction(start, end) };
    start = end;
  }
}
