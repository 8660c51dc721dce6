import { Interval } from '../common/period';

/**
 * The whole calendar months (UTC) inside an interval, which the monthly
 * rollups answer, as [from, to); the hours before and after them come from
 * the hourly rollups. Without a whole month, both are the interval's end, so
 * the hours before them are the whole interval.
 */
export function wholeMonthsWithin({ start, end }: Interval): Interval {
  const startMonth = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), 1);
  const from =
    startMonth === start.getTime()
      ? start
      : new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1));
  const to = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), 1));
  return from < to ? { start: from, end: to } : { start: end, end };
}
