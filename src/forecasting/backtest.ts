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
  /** Σ actual and Σ |actual − forecast| over them: what WAPE divides, kept so reports can be pooled. */
  actualTotal: Decimal;
  methodErrorTotal: Decimal;
  runRateErrorTotal: Decimal;
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
  const errorTotal = (pick: (point: Scored) => Decimal) =>
    sumDecimals(scored.map((point) => point.actual.minus(pick(point)).abs()));
  return withWapes({
    forecasts: scored.length,
    actualTotal: sumDecimals(scored.map(({ actual }) => actual)),
    methodErrorTotal: errorTotal(({ method }) => method),
    runRateErrorTotal: errorTotal(({ runRate }) => runRate),
  });
}

/**
 * Several backtests (subscriptions, meters) as one: their error and actual
 * totals added, then divided, so each forecast weighs by its units as within
 * one backtest; an average of their WAPEs would let a tiny customer count as
 * much as a large one.
 */
export function pooledAccuracy(reports: readonly Accuracy[]): Accuracy {
  const total = (pick: (report: Accuracy) => Decimal) => sumDecimals(reports.map(pick));
  return withWapes({
    forecasts: reports.reduce((sum, report) => sum + report.forecasts, 0),
    actualTotal: total((report) => report.actualTotal),
    methodErrorTotal: total((report) => report.methodErrorTotal),
    runRateErrorTotal: total((report) => report.runRateErrorTotal),
  });
}

function withWapes(totals: Omit<Accuracy, 'methodWape' | 'runRateWape'>): Accuracy {
  const wape = (errorTotal: Decimal) =>
    totals.actualTotal.isZero() ? null : errorTotal.div(totals.actualTotal).times(100);
  return {
    ...totals,
    methodWape: wape(totals.methodErrorTotal),
    runRateWape: wape(totals.runRateErrorTotal),
  };
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
