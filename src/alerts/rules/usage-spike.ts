import { Decimal, sumDecimals } from '../../common/decimal';

/** The trailing window a day is compared with. */
export const SPIKE_TRAILING_DAYS = 7;

/**
 * A spike: the day's usage at least `multiplier` × the mean of the trailing
 * days before it. Without a full trailing week, or with an idle one, there is
 * no habit to break yet, so nothing fires.
 */
export function isUsageSpike(
  day: Decimal,
  trailingDays: readonly Decimal[],
  multiplier: Decimal,
): boolean {
  if (trailingDays.length < SPIKE_TRAILING_DAYS) return false;
  const window = trailingDays.slice(-SPIKE_TRAILING_DAYS);
  const mean = sumDecimals(window).div(window.length);
  return mean.gt(0) && day.gte(mean.times(multiplier));
}
