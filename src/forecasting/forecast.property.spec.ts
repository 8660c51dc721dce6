import fc from 'fast-check';
import { Decimal } from '../common/decimal';
import { forecastUsage, projectedQuantityAt } from './forecast';
import { FIRST_DAY } from './forecast.fixtures';
import { projectThresholdCrossing } from './time-to-threshold';
import { addDays, DAY_MS } from './utc-days';

/** Whole units a day, mostly ordinary, sometimes idle, sometimes a burst. */
const dailyQuantity = fc
  .oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 2000 }) },
    { weight: 1, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.integer({ min: 10_000, max: 1_000_000 }) },
  )
  .map((units) => new Decimal(units));

/** A series read at `now`, and an open interval around `now` (starting up to 40 days before it). */
const scenario = fc
  .record({
    days: fc.array(dailyQuantity, { maxLength: 70 }),
    today: dailyQuantity,
    elapsedMs: fc.integer({ min: 0, max: DAY_MS - 1 }),
    startBeforeNowMs: fc.integer({ min: 0, max: 40 * DAY_MS }),
    endAfterNowMs: fc.integer({ min: 0, max: 40 * DAY_MS }),
    laterMs: fc.array(fc.integer({ min: 0, max: 45 * DAY_MS }), { minLength: 2, maxLength: 6 }),
  })
  .map(({ days, today, elapsedMs, startBeforeNowMs, endAfterNowMs, laterMs }) => {
    const now = new Date(addDays(FIRST_DAY, days.length).getTime() + elapsedMs);
    const interval = {
      start: new Date(now.getTime() - startBeforeNowMs),
      end: new Date(now.getTime() + endAfterNowMs),
    };
    const instants = laterMs.sort((a, b) => a - b).map((ms) => new Date(now.getTime() + ms));
    return { series: { firstDay: FIRST_DAY, days, today }, now, interval, instants };
  });

describe('forecast properties (cumulative meters)', () => {
  it('never projects below the usage so far, and the band holds the projection', () => {
    fc.assert(
      fc.property(scenario, ({ series, now, interval }) => {
        const { intervalToDate, atEnd } = forecastUsage({
          series,
          interval,
          now,
          kind: 'cumulative',
        });
        expect(atEnd.expected.gte(intervalToDate)).toBe(true);
        expect(atEnd.low.gte(intervalToDate)).toBe(true);
        expect(atEnd.low.lte(atEnd.expected) && atEnd.expected.lte(atEnd.high)).toBe(true);
      }),
    );
  });

  it('grows with time, from the usage so far at now to the projection at the end', () => {
    fc.assert(
      fc.property(scenario, ({ series, now, interval, instants }) => {
        const forecast = forecastUsage({ series, interval, now, kind: 'cumulative' });
        const projections = [now, ...instants, interval.end].sort(
          (a, b) => a.getTime() - b.getTime(),
        );
        const quantities = projections.map((instant) => projectedQuantityAt(forecast, instant));
        quantities
          .slice(1)
          .forEach((quantity, index) => expect(quantity.gte(quantities[index])).toBe(true));
        expect(projectedQuantityAt(forecast, now).eq(forecast.intervalToDate)).toBe(true);
        expect(projectedQuantityAt(forecast, interval.end).eq(forecast.atEnd.expected)).toBe(true);
      }),
    );
  });

  it('projects a threshold crossing at the instant the projection reaches it', () => {
    const share = fc.integer({ min: 1, max: 99 }).map((percent) => new Decimal(percent).div(100));
    fc.assert(
      fc.property(scenario, share, ({ series, now, interval }, part) => {
        const forecast = forecastUsage({ series, interval, now, kind: 'cumulative' });
        const { intervalToDate, atEnd } = forecast;
        fc.pre(atEnd.expected.gt(intervalToDate));
        const threshold = intervalToDate.plus(atEnd.expected.minus(intervalToDate).times(part));
        const crossing = projectThresholdCrossing(forecast, threshold);
        if (crossing.status !== 'projected')
          throw new Error(`expected a crossing, got ${crossing.status}`);
        // Rounded to the millisecond: reached within a millisecond after, not a millisecond before.
        const at = (offsetMs: number) =>
          new Date(Math.max(crossing.at.getTime() + offsetMs, now.getTime()));
        expect(projectedQuantityAt(forecast, at(-1)).lte(threshold)).toBe(true);
        expect(projectedQuantityAt(forecast, at(1)).gte(threshold)).toBe(true);
      }),
    );
  });
});
