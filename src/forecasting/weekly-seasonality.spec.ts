import { d, FIRST_DAY } from './forecast.fixtures';
import { addDays } from './utc-days';
import { estimateWeeklySeasonality, NO_SEASONALITY, seasonalFactor } from './weekly-seasonality';

/** Whole weeks from Monday 2024-01-01, weekdays and weekends at the given quantities. */
const weeks = (count: number, weekday: number, weekend: number) =>
  Array.from({ length: 7 * count }, (_, index) => ({
    day: addDays(FIRST_DAY, index),
    quantity: d(index % 7 < 5 ? weekday : weekend),
  }));

describe('estimateWeeklySeasonality', () => {
  it('turns weekdays 5× weekends into factors averaging 1 over a week', () => {
    // Weekend ratio 0.2: weekday 7 ÷ (5 + 2 × 0.2) = 7 ÷ 5.4, weekend 0.2 of that.
    const { weekdayFactor, weekendFactor } = estimateWeeklySeasonality(weeks(3, 1000, 200));
    expect(weekdayFactor.toFixed(4)).toBe('1.2963');
    expect(weekendFactor.toFixed(4)).toBe('0.2593');
    // 7, to the 60 significant digits of the division
    expect(weekdayFactor.times(5).plus(weekendFactor.times(2)).toDecimalPlaces(50).toFixed()).toBe(
      '7',
    );
  });

  it('ignores a burst on one weekend day (medians)', () => {
    const days = weeks(3, 1000, 200);
    days[5] = { ...days[5], quantity: d(50000) }; // the first Saturday
    expect(estimateWeeklySeasonality(days).weekendFactor.toFixed(4)).toBe('0.2593');
  });

  it('is flat when there is no typical weekday to compare with', () => {
    expect(estimateWeeklySeasonality(weeks(2, 0, 300))).toBe(NO_SEASONALITY);
  });

  it('only reads whole weeks', () => {
    expect(() => estimateWeeklySeasonality(weeks(2, 1, 1).slice(1))).toThrow(RangeError);
  });

  it('applies the weekend factor on Saturdays and Sundays (UTC)', () => {
    const seasonality = estimateWeeklySeasonality(weeks(2, 1000, 200));
    expect(seasonalFactor(seasonality, new Date('2024-01-06T00:00:00Z'))).toBe(
      seasonality.weekendFactor,
    );
    expect(seasonalFactor(seasonality, new Date('2024-01-08T00:00:00Z'))).toBe(
      seasonality.weekdayFactor,
    );
  });
});
