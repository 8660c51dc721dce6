import { Interval } from '../common/period';

/** Partitions are made this many months past the current one, so ingestion never waits for one. */
export const PARTITION_MONTHS_AHEAD = 2;

/** First instant (UTC) of the month `offset` months after the one containing `at`. */
export function monthStart(at: Date, offset = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
}

/**
 * The oldest instant whose events are kept: the start of the month `retentionMonths`
 * before the current one. Older events are refused at ingestion, their ids are
 * forgotten, and their month partitions go once every interval they cover is invoiced.
 */
export function retentionHorizon(now: Date, retentionMonths: number): Date {
  return monthStart(now, -retentionMonths);
}

/** The months that must have a partition: from `monthsBack` months before now's to PARTITION_MONTHS_AHEAD past it. */
export function monthsToPartition(now: Date, monthsBack: number): Interval[] {
  const months: Interval[] = [];
  for (let offset = -monthsBack; offset <= PARTITION_MONTHS_AHEAD; offset++) {
    months.push({ start: monthStart(now, offset), end: monthStart(now, offset + 1) });
  }
  return months;
}
