import { constantHistory, FIRST_DAY, seriesAt } from './forecast.fixtures';
import { assertSeriesEndsAt, usageSince } from './usage-series';

// 100 a day from Monday 2024-01-01.
const now = new Date('2024-01-11T06:00:00Z');
const series = seriesAt(constantHistory('100', 20), now);

describe('usageSince', () => {
  it('adds whole days and the part of today so far', () => {
    // Jan 5–10 (6 days) + today's 25
    expect(usageSince(series, new Date('2024-01-05T00:00:00Z'), now).toFixed()).toBe('625');
  });

  it('counts a day cut by the start pro rata', () => {
    // ¾ of Jan 5 + Jan 6–10 + 25
    expect(usageSince(series, new Date('2024-01-05T06:00:00Z'), now).toFixed()).toBe('600');
    // A start within today: 3 of today's 6 hours.
    expect(usageSince(series, new Date('2024-01-11T03:00:00Z'), now).toFixed()).toBe('12.5');
  });

  it('counts nothing before the series starts', () => {
    expect(usageSince(series, new Date('2023-12-01T00:00:00Z'), now).toFixed()).toBe('1025');
  });
});

describe('assertSeriesEndsAt', () => {
  it("accepts a series ending where now's day begins", () => {
    expect(() => assertSeriesEndsAt(series, now)).not.toThrow();
  });

  it('refuses a series ending elsewhere or not starting at midnight', () => {
    expect(() => assertSeriesEndsAt(series, new Date('2024-01-12T06:00:00Z'))).toThrow(RangeError);
    const offMidnight = { ...series, firstDay: new Date(FIRST_DAY.getTime() + 3_600_000) };
    expect(() => assertSeriesEndsAt(offMidnight, new Date('2024-01-11T07:00:00Z'))).toThrow(
      RangeError,
    );
  });
});
