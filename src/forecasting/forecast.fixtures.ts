/**
 * Synthetic daily usage for the forecasting specs, each series generated
 * deterministically from a seed so every run sees the same numbers.
 */
import { Decimal, sumDecimals } from '../common/decimal';
import { Interval, intervalsBetween } from '../common/period';
import type { DailyHistory, DailyUsageSeries } from './usage-series';
import { addDays, dayFraction, daysBetween, isWeekend, startOfUtcDay } from './utc-days';

/** A Monday; half a year of history ends at 2024-07-01, six monthly intervals. */
export const FIRST_DAY = new Date('2024-01-01T00:00:00Z');
const HISTORY_DAYS = 182;

export function d(value: string | number): Decimal {
  return new Decimal(value);
}

/**
 * Uniform draws in [0, 1) as Decimals, from mulberry32 (a small, well-mixed
 * 32-bit generator); only the generator's state is a JS number.
 */
export function seededUniform(seed: number): () => Decimal {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return new Decimal((t ^ (t >>> 14)) >>> 0).div(2 ** 32);
  };
}

/** Whole units per day from an expected quantity and a uniform multiplicative noise of ± `noise`. */
function generate(
  seed: number,
  days: number,
  expected: (day: Date, index: number, uniform: () => Decimal) => Decimal,
  noise = d('0.1'),
): DailyHistory {
  const uniform = seededUniform(seed);
  const quantities = Array.from({ length: days }, (_, index) => {
    const day = addDays(FIRST_DAY, index);
    const jitter = uniform().minus('0.5').times(noise.times(2)).plus(1);
    return expected(day, index, uniform).times(jitter).toDecimalPlaces(0);
  });
  return { firstDay: FIRST_DAY, days: quantities };
}

/** 1 000 a day ± 10 %. */
export function flatHistory(days = HISTORY_DAYS): DailyHistory {
  return generate(1, days, () => d(1000));
}

/** 400 a day growing by 10 a day (≈ 2 200 by the end), ± 10 %. */
export function trendingHistory(days = HISTORY_DAYS): DailyHistory {
  return generate(2, days, (_, index) => d(400).plus(d(10).times(index)));
}

/** 1 000 on weekdays, 200 on weekends (weekdays 5× weekends), ± 10 %. */
export function weeklyHistory(days = HISTORY_DAYS): DailyHistory {
  return generate(3, days, (day) => d(isWeekend(day) ? 200 : 1000));
}

/** 1 000 a day ± 10 %, and on about one day in ten a burst of 3 000–10 000 more. */
export function burstyHistory(days = HISTORY_DAYS): DailyHistory {
  return generate(4, days, (_, __, uniform) => {
    const isBurst = uniform().lt('0.1');
    const burst = uniform().times(7000).plus(3000);
    return isBurst ? burst.plus(1000) : d(1000);
  });
}

/** The calendar months of a history: the intervals a monthly plan would have billed. */
export function monthlyIntervals(history: DailyHistory): Interval[] {
  const end = addDays(history.firstDay, history.days.length);
  return intervalsBetween(history.firstDay, { unit: 'month', count: 1 }, history.firstDay, end);
}

/** What a caller would pass at `now`: the complete days before now's day, and that day's usage so far, pro rata. */
export function seriesAt(history: DailyHistory, now: Date): DailyUsageSeries {
  const today = startOfUtcDay(now);
  const todayIndex = daysBetween(history.firstDay, today);
  return {
    firstDay: history.firstDay,
    days: history.days.slice(0, todayIndex),
    today: history.days[todayIndex].times(dayFraction(today, now)),
  };
}

/** The actual usage of whole days in [from, to), both 00:00 UTC. */
export function actualBetween(history: DailyHistory, from: Date, to: Date): Decimal {
  const index = (day: Date) => daysBetween(history.firstDay, day);
  return sumDecimals(history.days.slice(index(from), index(to)));
}

/** Exactly `quantity` every day: a series whose projections can be checked by hand. */
export function constantHistory(quantity: string, days: number): DailyHistory {
  return { firstDay: FIRST_DAY, days: Array.from({ length: days }, () => d(quantity)) };
}
