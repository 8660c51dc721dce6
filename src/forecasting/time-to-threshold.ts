/** When a cumulative meter is projected to reach a quantity, such as 80 % or 100 % of its limit. */
import { Decimal } from '../common/decimal';
import type { CumulativeForecast } from './forecast';
import { expectedDailyUsage } from './usage-model';
import { addDayFraction, daySegments } from './utc-days';

export type ThresholdCrossing =
  /** The interval's usage is already at or above the quantity. */
  | { status: 'reached' }
  | { status: 'projected'; at: Date }
  /** Not projected to be reached before the horizon (by default the interval's end). */
  | { status: 'not_reached' };

/**
 * Walks the projected days from `now` and, in the day the quantity is crossed,
 * interpolates exactly: the model spreads a day's usage evenly over its hours,
 * so the remainder needed ÷ the day's rate is the time into that day.
 */
export function projectThresholdCrossing(
  forecast: CumulativeForecast,
  quantity: Decimal,
  horizon: Date = forecast.interval.end,
): ThresholdCrossing {
  if (forecast.intervalToDate.gte(quantity)) return { status: 'reached' };
  const until = horizon < forecast.interval.end ? horizon : forecast.interval.end;
  let cumulative = forecast.intervalToDate;
  for (const segment of daySegments(forecast.now, until)) {
    const dailyRate = expectedDailyUsage(forecast.model, segment.day);
    const reachable = cumulative.plus(dailyRate.times(segment.fraction));
    if (reachable.gte(quantity)) {
      return {
        status: 'projected',
        at: addDayFraction(segment.start, quantity.minus(cumulative).div(dailyRate)),
      };
    }
    cumulative = reachable;
  }
  return { status: 'not_reached' };
}

export interface LimitCrossing {
  /** e.g. 80 for 80 % of the limit. */
  percent: Decimal;
  quantity: Decimal;
  crossing: ThresholdCrossing;
}

/** The projected crossings of the usual alert levels of a limit, 80 % and 100 % by default. */
export function projectLimitCrossings(
  forecast: CumulativeForecast,
  limit: Decimal,
  percents: readonly Decimal[] = [new Decimal(80), new Decimal(100)],
): LimitCrossing[] {
  return percents.map((percent) => {
    const quantity = limit.times(percent).div(100);
    return { percent, quantity, crossing: projectThresholdCrossing(forecast, quantity) };
  });
}
