import { Decimal } from '../common/decimal';
import { CumulativeForecast, forecastUsage } from './forecast';
import { constantHistory, d, seriesAt } from './forecast.fixtures';
import { projectLimitCrossings, projectThresholdCrossing } from './time-to-threshold';

// 100 units every day; the interval is February 2024 (29 days), so day 0 is Feb 1.
const february = { start: new Date('2024-02-01T00:00:00Z'), end: new Date('2024-03-01T00:00:00Z') };

function forecastAt(now: string, intervalToDate?: Decimal): CumulativeForecast {
  const at = new Date(now);
  const series = seriesAt(constantHistory('100', 60), at);
  return forecastUsage({ series, interval: february, now: at, kind: 'cumulative', intervalToDate });
}

const projectedAt = (instant: string) => ({ status: 'projected', at: new Date(instant) });

describe('projectThresholdCrossing', () => {
  it('on a flat 100 a day from day 0, reaches 800 at day 8 00:00 and 1 000 at day 10 00:00', () => {
    const forecast = forecastAt('2024-02-01T00:00:00Z');
    expect(projectLimitCrossings(forecast, d(1000))).toEqual([
      { percent: d(80), quantity: d(800), crossing: projectedAt('2024-02-09T00:00:00Z') },
      { percent: d(100), quantity: d(1000), crossing: projectedAt('2024-02-11T00:00:00Z') },
    ]);
  });

  it('interpolates within the day: 850 is half a day after 800', () => {
    expect(projectThresholdCrossing(forecastAt('2024-02-01T00:00:00Z'), d(850))).toEqual(
      projectedAt('2024-02-09T12:00:00Z'),
    );
  });

  it("starts from the usage so far, today's part included", () => {
    // Feb 3 at 06:00: 2 days + ¼ day = 225; 575 more at 100 a day is 5.75 days → Feb 9 00:00.
    const forecast = forecastAt('2024-02-03T06:00:00Z');
    expect(forecast.intervalToDate.toFixed()).toBe('225');
    expect(projectThresholdCrossing(forecast, d(800))).toEqual(projectedAt('2024-02-09T00:00:00Z'));
    // 230 is 5 units (0.05 day = 72 minutes) past now.
    expect(projectThresholdCrossing(forecast, d(230))).toEqual(projectedAt('2024-02-03T07:12:00Z'));
  });

  it('says reached when the usage so far is already there', () => {
    expect(projectThresholdCrossing(forecastAt('2024-02-05T00:00:00Z', d(1000)), d(1000))).toEqual({
      status: 'reached',
    });
  });

  it('says not reached past the interval or the horizon', () => {
    const forecast = forecastAt('2024-02-01T00:00:00Z');
    // The whole of February projects 2 900.
    expect(projectThresholdCrossing(forecast, d(2901))).toEqual({ status: 'not_reached' });
    expect(projectThresholdCrossing(forecast, d(2900))).toEqual(
      projectedAt('2024-03-01T00:00:00Z'),
    );
    expect(projectThresholdCrossing(forecast, d(800), new Date('2024-02-08T23:00:00Z'))).toEqual({
      status: 'not_reached',
    });
  });
});
