import { Decimal } from '../common/decimal';
import { forecastUsage, projectedQuantityAt } from './forecast';
import {
  actualBetween,
  burstyHistory,
  constantHistory,
  d,
  FIRST_DAY,
  flatHistory,
  seriesAt,
  trendingHistory,
  weeklyHistory,
} from './forecast.fixtures';
import { runRateProjection } from './run-rate';
import type { DailyHistory } from './usage-series';

const june = { start: new Date('2024-06-01T00:00:00Z'), end: new Date('2024-07-01T00:00:00Z') };
const juneTenthNoon = new Date('2024-06-10T12:00:00Z');

function forecastJune(history: DailyHistory, now = juneTenthNoon, interval = june) {
  return forecastUsage({ series: seriesAt(history, now), interval, now, kind: 'cumulative' });
}

/** |projected − actual| ÷ actual, in percent. */
function percentOff(projected: Decimal, actual: Decimal): number {
  return projected.minus(actual).abs().div(actual).times(100).toNumber();
}

describe('forecastUsage, cumulative, on synthetic series (June, forecast on the 10th at noon)', () => {
  it('flat (1 000 a day ± 10 %): within 2 % of the actual June total, with no trend', () => {
    const history = flatHistory();
    const forecast = forecastJune(history);
    expect(
      percentOff(forecast.atEnd.expected, actualBetween(history, june.start, june.end)),
    ).toBeLessThan(2);
    expect(forecast.model.method).toBe('seasonal_trend');
    // The noise-level slope is shrunk away; the week stays flat (weekend ÷ weekday within 5 % of 1).
    expect(forecast.model.dailyTrend.abs().toNumber()).toBeLessThan(1);
    const { weekdayFactor, weekendFactor } = forecast.model.seasonality;
    expect(weekendFactor.div(weekdayFactor).minus(1).abs().toNumber()).toBeLessThan(0.05);
  });

  it('linear trend (+10 a day): within 3 % of the actual, where the run-rate is 6 % short', () => {
    const history = trendingHistory();
    const forecast = forecastJune(history);
    const actual = actualBetween(history, june.start, june.end);
    expect(percentOff(forecast.atEnd.expected, actual)).toBeLessThan(3);
    expect(forecast.model.dailyTrend.toNumber()).toBeGreaterThan(5); // the true slope is 10; damping does the rest
    const runRate = runRateProjection(forecast.intervalToDate, june, juneTenthNoon);
    expect(percentOff(runRate, actual)).toBeGreaterThan(5);
  });

  it('weekly seasonality (weekdays 5× weekends): within 3 % of the actual, the run-rate 11 % short', () => {
    // June 1–9 holds four weekend days of nine, more than the month's share, which fools the run-rate.
    const history = weeklyHistory();
    const forecast = forecastJune(history);
    const actual = actualBetween(history, june.start, june.end);
    expect(percentOff(forecast.atEnd.expected, actual)).toBeLessThan(3);
    const { weekdayFactor, weekendFactor } = forecast.model.seasonality;
    expect(weekendFactor.div(weekdayFactor).toNumber()).toBeCloseTo(0.2, 1); // 200 ÷ 1 000
    expect(
      percentOff(runRateProjection(forecast.intervalToDate, june, juneTenthNoon), actual),
    ).toBeGreaterThan(10);
  });

  it('a burst the day before moves the projection of the rest by a fifth of what it moves the run-rate', () => {
    // A 20× day (+19 000) on June 9 of the flat series. The level caps it at 10 typical days and
    // spreads it over 28 days: +9 000 ÷ 28 ≈ 321 a day, ≈ 6 600 for the 20.5 days left; as the
    // newest point it also tilts the trend a little (≈ +2 a day): under 8 000 in all.
    const quiet = flatHistory();
    const burst = {
      ...quiet,
      days: quiet.days.map((quantity, index) => (index === 160 ? quantity.plus(19000) : quantity)),
    };
    const withoutBurst = forecastJune(quiet);
    const withBurst = forecastJune(burst);
    const projectionOfTheRest = (forecast: typeof withBurst) =>
      forecast.atEnd.expected.minus(forecast.intervalToDate);
    const movedBy = projectionOfTheRest(withBurst).minus(projectionOfTheRest(withoutBurst));
    expect(movedBy.toNumber()).toBeGreaterThan(0);
    expect(movedBy.toNumber()).toBeLessThan(8000);
    // The run-rate extrapolates the whole burst: +19 000 × 20.5 ÷ 9.5 ≈ +41 000 for the rest of June.
    const runRateMove = runRateProjection(withBurst.intervalToDate, june, juneTenthNoon)
      .minus(runRateProjection(withoutBurst.intervalToDate, june, juneTenthNoon))
      .minus(19000);
    expect(runRateMove.toNumber()).toBeGreaterThan(40000);
    expect(movedBy.lt(runRateMove.div(5))).toBe(true);
  });

  it('bursty: the band widens with the bursts in view', () => {
    // On May 20 the bursty series' last four weeks hold bursts on May 2 and May 15.
    const may = { start: new Date('2024-05-01T00:00:00Z'), end: june.start };
    const width = (history: DailyHistory) => {
      const { atEnd } = forecastJune(history, new Date('2024-05-20T00:00:00Z'), may);
      return atEnd.high.minus(atEnd.low).div(atEnd.expected).toNumber();
    };
    expect(width(burstyHistory())).toBeGreaterThan(3 * width(flatHistory()));
  });

  it('a new customer with 3 days of history: the mean day, for the rest of today and the month', () => {
    // Days of 1 025, 901 and 1 005 (mean 977), then 6 hours of Jan 4 at the same pace as that day (1 096 × ¼ = 274).
    const january = { start: FIRST_DAY, end: new Date('2024-02-01T00:00:00Z') };
    const now = new Date('2024-01-04T06:00:00Z');
    const forecast = forecastUsage({
      series: seriesAt(flatHistory(4), now),
      interval: january,
      now,
      kind: 'cumulative',
    });
    expect(forecast.model.method).toBe('recent_average');
    expect(forecast.intervalToDate.toFixed()).toBe('3205'); // 1 025 + 901 + 1 005 + 274
    // 3 205 + 977 × (¾ of today + 27 days)
    expect(forecast.atEnd.expected.toFixed()).toBe(d(977).times('27.75').plus(3205).toFixed());
    expect(percentOff(forecast.atEnd.expected, d(31000))).toBeLessThan(5); // the true mean is 1 000 a day
  });

  it("a customer whose first day is today: today's pace so far", () => {
    const now = new Date('2024-01-01T06:00:00Z');
    const series = { firstDay: FIRST_DAY, days: [], today: d(250) };
    const january = { start: FIRST_DAY, end: new Date('2024-02-01T00:00:00Z') };
    const forecast = forecastUsage({ series, interval: january, now, kind: 'cumulative' });
    expect(forecast.atEnd.expected.toFixed()).toBe('31000'); // 250 in ¼ day is 1 000 a day, for 31 days
  });

  it('adds the rest of today at the expected pace to the usage so far, exactly on a constant series', () => {
    // 100 every day of January; on Feb 10 at 18:00, 9 days and ¾ of a day: 975 so far.
    const february = {
      start: new Date('2024-02-01T00:00:00Z'),
      end: new Date('2024-03-01T00:00:00Z'),
    };
    const now = new Date('2024-02-10T18:00:00Z');
    const series = seriesAt(constantHistory('100', 60), now);
    const forecast = forecastUsage({ series, interval: february, now, kind: 'cumulative' });
    expect(forecast.intervalToDate.toFixed()).toBe('975');
    // 975 + ¼ × 100 + 19 days × 100; a constant series has no deviation, so no band.
    expect(forecast.atEnd).toEqual({ expected: d(2900), low: d(2900), high: d(2900) });
    expect(projectedQuantityAt(forecast, new Date('2024-02-12T00:00:00Z')).toFixed()).toBe('1100');
  });

  it('takes the exact interval-to-date from the caller when given', () => {
    const february = {
      start: new Date('2024-02-01T00:00:00Z'),
      end: new Date('2024-03-01T00:00:00Z'),
    };
    const now = new Date('2024-02-11T00:00:00Z');
    const series = seriesAt(constantHistory('100', 60), now);
    const forecast = forecastUsage({
      series,
      interval: february,
      now,
      kind: 'cumulative',
      intervalToDate: d(1234),
    });
    expect(forecast.atEnd.expected.toFixed()).toBe('3134'); // 1 234 + 19 days × 100
  });

  it("refuses a series that does not end on now's day, and a now outside the interval", () => {
    const now = new Date('2024-02-11T00:00:00Z');
    const february = {
      start: new Date('2024-02-01T00:00:00Z'),
      end: new Date('2024-03-01T00:00:00Z'),
    };
    const stale = seriesAt(constantHistory('100', 60), new Date('2024-02-09T00:00:00Z'));
    expect(() =>
      forecastUsage({ series: stale, interval: february, now, kind: 'cumulative' }),
    ).toThrow(RangeError);
    const march = {
      start: new Date('2024-03-01T00:00:00Z'),
      end: new Date('2024-04-01T00:00:00Z'),
    };
    const series = seriesAt(constantHistory('100', 60), now);
    expect(() => forecastUsage({ series, interval: march, now, kind: 'cumulative' })).toThrow(
      RangeError,
    );
  });
});

describe('forecastUsage, gauge', () => {
  it('projects the level of the day: a weekend day low, a weekday high (weekly series, ± 10 %)', () => {
    const history = weeklyHistory();
    const forecast = forecastUsage({
      series: seriesAt(history, juneTenthNoon),
      interval: june,
      now: juneTenthNoon,
      kind: 'gauge',
    });
    // June 30 is a Sunday (200 a day), June 12 a Wednesday (1 000).
    expect(percentOff(forecast.atEnd.expected, d(200))).toBeLessThan(10);
    expect(
      percentOff(projectedQuantityAt(forecast, new Date('2024-06-12T09:00:00Z')), d(1000)),
    ).toBeLessThan(10);
    expect(forecast.atEnd.low.lt(forecast.atEnd.expected)).toBe(true);
    expect(forecast.atEnd.high.gt(forecast.atEnd.expected)).toBe(true);
  });
});
