/**
 * Weekday/weekend seasonality: two multiplicative factors whose average over a
 * week is 1, so "level × factor" is a day's expected usage and the level is the
 * average day. Two factors rather than seven because two weeks of history give
 * 10 weekdays and 4 weekend days to estimate from, where per-day-of-week factors
 * would rest on 2 samples each and mostly fit noise; the weekday/weekend split is
 * the dominant weekly pattern of business usage.
 */
import { Decimal } from '../common/decimal';
import { median } from './statistics';
import { isWeekend } from './utc-days';

export interface WeeklySeasonality {
  weekdayFactor: Decimal;
  weekendFactor: Decimal;
}

export const NO_SEASONALITY: WeeklySeasonality = {
  weekdayFactor: new Decimal(1),
  weekendFactor: new Decimal(1),
};

export interface DailyQuantity {
  /** 00:00 UTC of the day. */
  day: Date;
  quantity: Decimal;
}

export function seasonalFactor(seasonality: WeeklySeasonality, day: Date): Decimal {
  return isWeekend(day) ? seasonality.weekendFactor : seasonality.weekdayFactor;
}

/**
 * Estimates the factors from whole weeks (so both kinds of day span the same
 * weeks and a trend cancels out) as the ratio of the median weekend day to the
 * median weekday: medians, so a burst on a few days does not pass for a pattern.
 * Without a typical weekday to compare with (median zero) there is no pattern to
 * learn and the week is flat.
 */
export function estimateWeeklySeasonality(wholeWeeks: readonly DailyQuantity[]): WeeklySeasonality {
  if (wholeWeeks.length === 0 || wholeWeeks.length % 7 !== 0) {
    throw new RangeError(
      `seasonality is estimated from whole weeks, got ${wholeWeeks.length} days`,
    );
  }
  const weekend = wholeWeeks.filter(({ day }) => isWeekend(day)).map(({ quantity }) => quantity);
  const weekdays = wholeWeeks.filter(({ day }) => !isWeekend(day)).map(({ quantity }) => quantity);
  const typicalWeekday = median(weekdays);
  if (typicalWeekday.isZero()) return NO_SEASONALITY;
  const weekendRatio = median(weekend).div(typicalWeekday);
  // 5 weekdays × f + 2 weekend days × (ratio × f) = 7, so the factors average to 1.
  const weekdayFactor = new Decimal(7).div(weekendRatio.times(2).plus(5));
  return { weekdayFactor, weekendFactor: weekendRatio.times(weekdayFactor) };
}
