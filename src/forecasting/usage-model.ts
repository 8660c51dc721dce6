/**
 * The daily usage model behind every forecast (the method is explained in
 * forecast.ts): a de-seasonalised level and a damped trend, times the weekly
 * seasonality, fitted from the complete days of a series.
 */
import { Decimal, ZERO } from '../common/decimal';
import { meanCappedAtMedianMultiple, rootMeanSquare } from './statistics';
import { robustTrend } from './robust-trend';
import { DailyUsageSeries, todayStart } from './usage-series';
import { addDays, dayFraction, daySegments, daysBetween } from './utc-days';
import {
  DailyQuantity,
  estimateWeeklySeasonality,
  NO_SEASONALITY,
  seasonalFactor,
  WeeklySeasonality,
} from './weekly-seasonality';

/** Below two whole weeks a weekday/weekend ratio rests on too few days to trust. */
const MIN_SEASONAL_HISTORY_DAYS = 14;
/** Eight weeks: long enough for stable medians, short enough to follow a changed habit. */
const SEASONALITY_WINDOW_WEEKS = 8;
/**
 * Four weeks of level and trend: four times the evidence a run-rate has one week
 * into a monthly interval, yet a change of habit dominates it within a month.
 */
const TREND_WINDOW_DAYS = 28;
/** Per-day damping of the trend: its total effect levels off at 0.95 / 0.05 = 19 days' worth. */
const TREND_DAMPING = new Decimal('0.95');
/**
 * A day above ten typical days is an incident (a backfill, a runaway job), not a
 * habit: it counts as ten typical days. Smaller bursts count in full, because they
 * recur and will be billed.
 */
const INCIDENT_MULTIPLE = new Decimal(10);

export type ForecastMethod = 'seasonal_trend' | 'recent_average';

export interface UsageModel {
  method: ForecastMethod;
  /** 00:00 UTC of the current day, the first day the model projects. */
  origin: Date;
  /** The average day (de-seasonalised) as of the last complete day, the day before `origin`. */
  level: Decimal;
  /** The level's change per day, damped by TREND_DAMPING for each day ahead. */
  dailyTrend: Decimal;
  seasonality: WeeklySeasonality;
  /**
   * How far a single day strays from the fit, relative to it: the root mean
   * square of (actual ÷ fitted − 1) over the fitted days; zero when none was fitted.
   */
  dayDeviation: Decimal;
}

export function fitUsageModel(series: DailyUsageSeries, now: Date): UsageModel {
  const history = series.days.map((quantity, index) => ({
    day: addDays(series.firstDay, index),
    quantity,
  }));
  const origin = todayStart(series);
  const fit =
    history.length >= MIN_SEASONAL_HISTORY_DAYS
      ? fitSeasonalTrend(history, origin)
      : fitRecentAverage(history, series.today, dayFraction(origin, now));
  const fitted = history.slice(-TREND_WINDOW_DAYS);
  return { ...fit, origin, dayDeviation: dayDeviation(fit, origin, fitted) };
}

/** The expected usage of a whole UTC day at or after the model's origin. */
export function expectedDailyUsage(model: UsageModel, day: Date): Decimal {
  return levelOn(model, day, dampedDays(daysBetween(model.origin, day) + 1));
}

/** The expected usage in [from, to), spreading each day's usage evenly over its hours. */
export function expectedUsageBetween(model: UsageModel, from: Date, to: Date): Decimal {
  let total = ZERO;
  for (const segment of daySegments(from, to)) {
    total = total.plus(expectedDailyUsage(model, segment.day).times(segment.fraction));
  }
  return total;
}

type Fit = Pick<UsageModel, 'method' | 'level' | 'dailyTrend' | 'seasonality'>;

function fitSeasonalTrend(history: readonly DailyQuantity[], origin: Date): Fit {
  const wholeWeeks = Math.min(Math.floor(history.length / 7), SEASONALITY_WINDOW_WEEKS);
  const seasonality = estimateWeeklySeasonality(history.slice(-7 * wholeWeeks));
  // A day whose factor is zero (no usage on weekends at all) says nothing about the level.
  const deseasonalised = history
    .slice(-TREND_WINDOW_DAYS)
    .filter(({ day }) => !seasonalFactor(seasonality, day).isZero())
    .map(({ day, quantity }) => ({
      x: daysBetween(origin, day),
      y: quantity.div(seasonalFactor(seasonality, day)),
    }));
  const dailyTrend = robustTrend(deseasonalised);
  // Each day, carried along the trend to the last complete day (x = −1), estimates the level there.
  const carried = deseasonalised.map(({ x, y }) => y.minus(dailyTrend.times(x + 1)));
  return {
    method: 'seasonal_trend',
    level: meanCappedAtMedianMultiple(carried, INCIDENT_MULTIPLE),
    dailyTrend,
    seasonality,
  };
}

/** Too little history for a pattern: no seasonality, no trend, the level of the days there are. */
function fitRecentAverage(
  history: readonly DailyQuantity[],
  today: Decimal,
  todayElapsed: Decimal,
): Fit {
  return {
    method: 'recent_average',
    level: recentLevel(history, today, todayElapsed),
    dailyTrend: ZERO,
    seasonality: NO_SEASONALITY,
  };
}

/** The capped mean of the complete days, or today's pace when no day is complete yet. */
function recentLevel(
  history: readonly DailyQuantity[],
  today: Decimal,
  todayElapsed: Decimal,
): Decimal {
  if (history.length > 0) {
    return meanCappedAtMedianMultiple(
      history.map(({ quantity }) => quantity),
      INCIDENT_MULTIPLE,
    );
  }
  return todayElapsed.isZero() ? ZERO : today.div(todayElapsed);
}

/** φ + φ² + … + φ^days: how many days of trend have accumulated `days` ahead. */
function dampedDays(days: number): Decimal {
  const φ = TREND_DAMPING;
  return φ.times(new Decimal(1).minus(φ.pow(days))).div(new Decimal(1).minus(φ));
}

/** The seasonal level on `day`, `trendDays` days of trend away from the last complete day; never negative. */
function levelOn(model: Fit, day: Date, trendDays: Decimal): Decimal {
  const level = model.level.plus(model.dailyTrend.times(trendDays));
  return Decimal.max(level, ZERO).times(seasonalFactor(model.seasonality, day));
}

/**
 * Relative, as weekend days are smaller than weekdays; the root mean square, not
 * a robust spread, because bursts are real deviations a band must allow for.
 */
function dayDeviation(fit: Fit, origin: Date, days: readonly DailyQuantity[]): Decimal {
  const relativeErrors = days.flatMap(({ day, quantity }) => {
    // Past days lie on the undamped line: day −1 is the level, day −k is k − 1 trend days before it.
    const fitted = levelOn(fit, day, new Decimal(daysBetween(origin, day) + 1));
    return fitted.isZero() ? [] : [quantity.div(fitted).minus(1)];
  });
  return relativeErrors.length === 0 ? ZERO : rootMeanSquare(relativeErrors);
}
