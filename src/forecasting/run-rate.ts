/** The plain linear run-rate, the baseline every forecast is compared with. */
import { Decimal } from '../common/decimal';
import type { Interval } from '../common/period';

/**
 * intervalToDate ÷ elapsed × interval length: the pace so far held to the end.
 * At the very start nothing has elapsed and the usage so far is all it can tell.
 */
export function runRateProjection(intervalToDate: Decimal, interval: Interval, now: Date): Decimal {
  const elapsedMs = now.getTime() - interval.start.getTime();
  if (elapsedMs <= 0) return intervalToDate;
  const intervalMs = interval.end.getTime() - interval.start.getTime();
  return intervalToDate.times(intervalMs).div(elapsedMs);
}
