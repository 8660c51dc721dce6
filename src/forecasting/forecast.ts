/**
 * Usage forecasts for the open service interval of one customer and meter.
 *
 * Method. A day's expected usage is level × seasonal factor, fitted on the
 * customer's own complete UTC days (usage-model.ts):
 * - Seasonality (weekly-seasonality.ts): with at least two whole weeks of
 *   history, a weekday and a weekend factor (averaging 1 over a week) from the
 *   ratio of the median weekend day to the median weekday over the last (up to)
 *   eight whole weeks. Medians, so a few bursts do not pass for a pattern.
 * - Trend (robust-trend.ts): on the last (up to) 28 de-seasonalised days, the
 *   Theil–Sen slope (median of pairwise slopes, which ignores bursts), shrunk
 *   towards zero by its own noise (× max(0, 1 − SE²/slope²)) so a flat, noisy
 *   customer is not projected to grow. Ahead, the trend is damped (φ = 0.95 a
 *   day, at most ~19 days' worth) as a four-week slope rarely holds a month.
 * - Level: the mean of those 28 days, each carried along the trend to the last
 *   complete day, with any day above 10 × the median day capped there. A mean,
 *   not a median: bursts that recur are usage the customer will be billed for,
 *   and a median forecasts a bursty customer's quiet days only (on our synthetic
 *   series it was worse on every one, bursty included); the cap keeps a one-off
 *   incident (a backfill) from becoming the new normal. Four weeks of days is
 *   what makes it robust: a burst moves it a fraction of what it moves a
 *   run-rate one or two weeks into the interval.
 * - With less than two weeks of history (a new customer): no seasonality and no
 *   trend; the level is the same capped mean of the complete days, or today's
 *   pace so far when no day is complete yet.
 * The plain run-rate (run-rate.ts) is the baseline it must beat (backtest.ts):
 * early in an interval the run-rate extrapolates a few days, so one burst or a
 * weekend-heavy start moves the whole projection, and it ignores which days
 * remain (weekdays or weekends) and any trend.
 *
 * Cumulative meters (sum, count) project interval-to-date + the expected usage
 * of the rest of the interval, the rest of today included (a day's usage is
 * spread evenly over its hours), so a projection never falls below the usage so
 * far and grows with time. Gauge meters (max, last) project the expected level
 * of the day in question.
 *
 * Band: about 80 % (± 1.2816 standard deviations, the normal 10th/90th
 * percentiles) from the fitted days' relative deviation σ (usage-model.ts): a
 * gauge day ± 1.2816 σ; the cumulative remainder of H days ± 1.2816 σ / √H,
 * as independent daily deviations partly cancel in a sum. It ignores the
 * uncertainty of the level itself, so it is a guide, not a guarantee.
 */
import { Decimal, ZERO } from '../common/decimal';
import type { Interval } from '../common/period';
import { expectedDailyUsage, expectedUsageBetween, fitUsageModel, UsageModel } from './usage-model';
import { assertSeriesEndsAt, DailyUsageSeries, usageSince } from './usage-series';
import { dayFraction, startOfUtcDay } from './utc-days';

/** The normal distribution's 90th percentile: ± this many deviations hold about 80 %. */
const Z_80_PERCENT = new Decimal('1.2816');

/** Cumulative: sum and count meters. Gauge: max and last meters. */
export type MeterKind = 'cumulative' | 'gauge';

export interface ForecastInput {
  series: DailyUsageSeries;
  /** The open service interval [start, end); `now` lies in it. */
  interval: Interval;
  now: Date;
  kind: MeterKind;
  /**
   * Cumulative only: the exact usage of the interval so far, when the caller has
   * it from the rollups; by default it is read from the series (see usageSince).
   */
  intervalToDate?: Decimal;
}

export interface QuantityBand {
  expected: Decimal;
  low: Decimal;
  high: Decimal;
}

interface ForecastBasis {
  interval: Interval;
  now: Date;
  model: UsageModel;
  /** The projection at the interval's end. */
  atEnd: QuantityBand;
}

export interface CumulativeForecast extends ForecastBasis {
  kind: 'cumulative';
  intervalToDate: Decimal;
}

export interface GaugeForecast extends ForecastBasis {
  kind: 'gauge';
}

export type UsageForecast = CumulativeForecast | GaugeForecast;

export function forecastUsage(input: ForecastInput & { kind: 'cumulative' }): CumulativeForecast;
export function forecastUsage(input: ForecastInput & { kind: 'gauge' }): GaugeForecast;
export function forecastUsage(input: ForecastInput): UsageForecast;
export function forecastUsage(input: ForecastInput): UsageForecast {
  const { series, interval, now } = input;
  assertSeriesEndsAt(series, now);
  if (now < interval.start || now > interval.end) {
    throw new RangeError(`now (${now.toISOString()}) is outside the interval it forecasts`);
  }
  const model = fitUsageModel(series, now);
  switch (input.kind) {
    case 'cumulative': {
      const intervalToDate = input.intervalToDate ?? usageSince(series, interval.start, now);
      const remaining = bandAround(
        expectedUsageBetween(model, now, interval.end),
        model.dayDeviation.div(Decimal.max(dayFraction(now, interval.end), 1).sqrt()),
      );
      return {
        kind: 'cumulative',
        interval,
        now,
        model,
        intervalToDate,
        atEnd: {
          expected: intervalToDate.plus(remaining.expected),
          low: intervalToDate.plus(remaining.low),
          high: intervalToDate.plus(remaining.high),
        },
      };
    }
    case 'gauge': {
      const atEnd = bandAround(gaugeAt(model, lastInstantOf(interval)), model.dayDeviation);
      return { kind: 'gauge', interval, now, model, atEnd };
    }
    default:
      return unknownKind(input.kind);
  }
}

/**
 * The expected quantity at `instant`, from `now` on: for a cumulative meter the
 * interval's usage up to that instant (the interval's total from its end on),
 * for a gauge the level of that instant's day.
 */
export function projectedQuantityAt(forecast: UsageForecast, instant: Date): Decimal {
  if (instant < forecast.now) {
    throw new RangeError(`a forecast projects from ${forecast.now.toISOString()} on`);
  }
  const { interval, model, now } = forecast;
  switch (forecast.kind) {
    case 'cumulative': {
      const until = instant < interval.end ? instant : interval.end;
      return forecast.intervalToDate.plus(expectedUsageBetween(model, now, until));
    }
    case 'gauge':
      return gaugeAt(model, instant < interval.end ? instant : lastInstantOf(interval));
    default:
      return unknownKind(forecast);
  }
}

function gaugeAt(model: UsageModel, instant: Date): Decimal {
  return expectedDailyUsage(model, startOfUtcDay(instant));
}

/** The interval is half-open: its last day is the one holding the millisecond before its end. */
function lastInstantOf(interval: Interval): Date {
  return new Date(interval.end.getTime() - 1);
}

/** expected × (1 ± Z × relativeDeviation), never below zero. */
function bandAround(expected: Decimal, relativeDeviation: Decimal): QuantityBand {
  const halfWidth = expected.times(relativeDeviation).times(Z_80_PERCENT);
  return {
    expected,
    low: Decimal.max(expected.minus(halfWidth), ZERO),
    high: expected.plus(halfWidth),
  };
}

// Reached only if a kind is added to MeterKind but not here, which `never` makes a compile error.
function unknownKind(kind: never): never {
  throw new Error(`no forecast for meter kind ${JSON.stringify(kind)}`);
}
