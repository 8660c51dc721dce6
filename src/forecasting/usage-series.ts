/**
 * What a forecast reads: one customer's usage of one meter per UTC day, built by
 * the caller from the hourly rollups, read at an instant `now`.
 */
import { Decimal, ZERO } from '../common/decimal';
import { addDays, dayFraction, daySegments, daysBetween, startOfUtcDay } from './utc-days';

/** Usage per complete UTC day. */
export interface DailyHistory {
  /** 00:00 UTC of `days[0]`. */
  firstDay: Date;
  /**
   * Oldest first, one entry per day without gaps (an idle day is zero). They
   * start when the customer's usage can start: earlier days count as zero.
   */
  days: readonly Decimal[];
}

/** The complete days end at 00:00 UTC of the day that contains `now`. */
export interface DailyUsageSeries extends DailyHistory {
  /** Usage of the current day, from its 00:00 UTC until `now`. */
  today: Decimal;
}

/** 00:00 UTC of the current day: where the complete days end. */
export function todayStart(series: DailyHistory): Date {
  return addDays(series.firstDay, series.days.length);
}

/** Throws a RangeError unless the series starts at a midnight and ends where `now`'s day begins. */
export function assertSeriesEndsAt(series: DailyUsageSeries, now: Date): void {
  if (startOfUtcDay(series.firstDay).getTime() !== series.firstDay.getTime()) {
    throw new RangeError(`a series starts at 00:00 UTC, not ${series.firstDay.toISOString()}`);
  }
  if (startOfUtcDay(now).getTime() !== todayStart(series).getTime()) {
    throw new RangeError(
      `the series ends at ${todayStart(series).toISOString()}, not where the day of ${now.toISOString()} begins`,
    );
  }
}

/**
 * The usage in [from, now): complete days in full, and a day cut by `from` (an
 * interval that does not start at midnight) pro rata, as the series cannot tell
 * at what hour of that day the usage happened.
 */
export function usageSince(series: DailyUsageSeries, from: Date, now: Date): Decimal {
  const today = todayStart(series);
  const start = from > series.firstDay ? from : series.firstDay;
  let total = ZERO;
  for (const segment of daySegments(start, now)) {
    const isToday = segment.day.getTime() === today.getTime();
    const quantity = isToday
      ? series.today
      : series.days[daysBetween(series.firstDay, segment.day)];
    const observedDays = isToday ? dayFraction(today, now) : new Decimal(1);
    total = total.plus(quantity.times(segment.fraction).div(observedDays));
  }
  return total;
}
