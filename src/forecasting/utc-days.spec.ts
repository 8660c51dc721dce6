import { addDayFraction, dayFraction, daySegments, startOfUtcDay } from './utc-days';

describe('UTC days', () => {
  it('cuts a range at midnights, with each piece as a share of its day', () => {
    const segments = [
      ...daySegments(new Date('2024-03-01T18:00:00Z'), new Date('2024-03-03T06:00:00Z')),
    ];
    expect(
      segments.map(({ day, fraction }) => [day.toISOString().slice(0, 10), fraction.toFixed()]),
    ).toEqual([
      ['2024-03-01', '0.25'],
      ['2024-03-02', '1'],
      ['2024-03-03', '0.25'],
    ]);
    expect([
      ...daySegments(new Date('2024-03-02T00:00:00Z'), new Date('2024-03-02T00:00:00Z')),
    ]).toEqual([]);
  });

  it('measures and adds fractions of a day to the millisecond', () => {
    const from = new Date('2024-03-01T00:00:00Z');
    const to = new Date('2024-03-01T07:12:00Z');
    expect(dayFraction(from, to).toFixed()).toBe('0.3');
    expect(addDayFraction(from, dayFraction(from, to))).toEqual(to);
  });

  it('finds the day of an instant', () => {
    expect(startOfUtcDay(new Date('2024-03-01T23:59:59.999Z'))).toEqual(
      new Date('2024-03-01T00:00:00Z'),
    );
  });
});
