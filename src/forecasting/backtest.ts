/**
 * Forecast accuracy over past intervals: at each cut point (e.g. day 7, 14 and
 * 21 of a month) forecast the interval's total from the days before the cut
 * only, with the method and with the run-rate, and compare with the actual
 * total by WAPE = Σ |actual − forecast| ÷ Σ actual, in percent. WAPE weighs
 * each error by its size in units, so large customers and intervals count more
 * and an interval with nearly no usage cannot blow it up as a mean of
 * percentage errors would.
 */
import { Decimal, sumDecimals, ZERO } from '../common/decimal';
import type { Interval } from '../common/period';
import { forecastUsage } from './forecast';
import { runRateProjection } from './run-rate';
import { DailyHistory, todayStart } from './usage-series';
import { addDays, daysBetween, startOfUtcDay } from './utc-days';

export interface BacktestInput {
  /** A cumulative meter's complete days, covering every interval. */
  history: DailyHistory;
  /** Past intervals, each starting and ending at 00:00 UTC. */
  intervals: readonly Interval[];
  /** Days into each interval at which to forecast; a cut at or past an interval's end is skipped. */
  cutDays: readonly number[];
}

export interface Accuracy {
  /** How many (interval, cut) forecasts were scored. */
  forecasts: number;
  /** WAPE in percent, e.g. 12.5 for 12.5 %; null when the intervals had no usage at all. */
  methodWape: Decimal | null;
  runRateWape: Decimal | null;
}

export interface BacktestReport extends Accuracy {
  byCutDay: (Accuracy & { cutDay: number })[];
}

interface Scored {
  cutDay: number;
  actual: Decimal;
  method: Decimal;
  runRate: Decimal;
}

export function backtest({ history, intervals, cutDays }: BacktestInput): BacktestReport {
  const scored = intervals.flatMap((interval) => {
    assertCovered(history, interval);
    const actual = sumDecimals(
      history.days.slice(dayIndex(history, interval.start), dayIndex(history, interval.end)),
    );
    return cutDays
      .filter((cutDay) => addDays(interval.start, cutDay) < interval.end)
      .map((cutDay): Scored => ({ cutDay, actual, ...forecastsAtCut(history, interval, cutDay) }));
  });
  return {
    ...accuracy(scored),
    byCutDay: cutDays.map((cutDay) => ({
      cutDay,
      ...accuracy(scored.filter((point) => point.cutDay === cutDay)),
    })),
  };
}

/** Both forecasts as they would have been made at 00:00 on the cut day, from the days before it. */
function forecastsAtCut(history: DailyHistory, interval: Interval, cutDay: number) {
  const now = addDays(interval.start, cutDay);
  const series = {
    firstDay: history.firstDay,
    days: history.days.slice(0, dayIndex(history, now)),
    today: ZERO,
  };
  const forecast = forecastUsage({ series, interval, now, kind: 'cumulative' });
  return {
    method: forecast.atEnd.expected,
    runRate: runRateProjection(forecast.intervalToDate, interval, now),
  };
}

function accuracy(scored: readonly Scored[]): Accuracy {
  return {
    forecasts: scored.length,
    methodWape: wape(scored.map(({ actual, method }) => ({ actual, forecast: method }))),
    runRateWape: wape(scored.map(({ actual, runRate }) => ({ actual, forecast: runRate }))),
  };
}

function wape(pairs: readonly { actual: Decimal; forecast: Decimal }[]): Decimal | null {
  const actualTotal = sumDecimals(pairs.map(({ actual }) => actual));
  if (actualTotal.isZero()) return null;
  const errorTotal = sumDecimals(pairs.map(({ actual, forecast }) => actual.minus(forecast).abs()));
  return errorTotal.div(actualTotal).times(100);
}

function dayIndex(history: DailyHistory, day: Date): number {
  return daysBetween(history.firstDay, day);
}

function assertCovered(history: DailyHistory, interval: Interval): void {
  const isMidnight = (instant: Date) => startOfUtcDay(instant).getTime() === instant.getTime();
  if (!isMidnight(interval.start) || !isMidnight(interval.end)) {
    throw new RangeError('backtest intervals start and end at 00:00 UTC');
  }
  if (interval.start < history.firstDay || interval.end > todayStart(history)) {
    throw new RangeError(
      `the history does not cover [${interval.start.toISOString()}, ${interval.end.toISOString()})`,
    );
  }
}
