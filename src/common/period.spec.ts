import fc from 'fast-check';
import {
  Cadence,
  CalendarUnit,
  Interval,
  addCalendar,
  alignToAnchorDay,
  intervalContaining,
  intervalsBetween,
  isLongerThan,
} from './period';

const utc = (iso: string): Date => new Date(iso);
const iso = (date: Date): string => date.toISOString();
const isoInterval = ({ start, end }: Interval): [string, string] => [iso(start), iso(end)];

/** How many times `work` reads a Date's time: each interval boundary it computes reads at least one. */
function timesRead(work: () => void): number {
  const getTime = jest.spyOn(Date.prototype, 'getTime');
  try {
    work();
    return getTime.mock.calls.length;
  } finally {
    getTime.mockRestore();
  }
}

const MONTH: Cadence = { unit: 'month', count: 1 };

describe('addCalendar', () => {
  it.each([
    ['2026-01-31T00:00:00.000Z', 1, '2026-02-28T00:00:00.000Z'], // 2026 is not a leap year
    ['2026-01-31T00:00:00.000Z', 2, '2026-03-31T00:00:00.000Z'], // from the anchor: no drift to Mar 28
    ['2026-01-31T00:00:00.000Z', 3, '2026-04-30T00:00:00.000Z'],
    ['2026-01-31T00:00:00.000Z', 12, '2027-01-31T00:00:00.000Z'],
    ['2028-01-31T00:00:00.000Z', 1, '2028-02-29T00:00:00.000Z'], // 2028 is a leap year
    ['2026-01-31T10:30:15.250Z', 1, '2026-02-28T10:30:15.250Z'], // keeps the time of day
    ['2026-12-15T00:00:00.000Z', 1, '2027-01-15T00:00:00.000Z'],
    ['2026-03-31T00:00:00.000Z', -1, '2026-02-28T00:00:00.000Z'],
    ['2026-01-31T00:00:00.000Z', 0, '2026-01-31T00:00:00.000Z'],
  ])('%s + %i month(s) = %s', (anchor, times, expected) => {
    expect(iso(addCalendar(utc(anchor), MONTH, times))).toBe(expected);
  });

  it('steps quarters as 3 months, clamping to short months', () => {
    const anchor = utc('2026-11-30T00:00:00Z');
    const quarter: Cadence = { unit: 'quarter', count: 1 };
    expect(iso(addCalendar(anchor, quarter, 1))).toBe('2027-02-28T00:00:00.000Z');
    expect(iso(addCalendar(anchor, quarter, 2))).toBe('2027-05-30T00:00:00.000Z');
    expect(iso(addCalendar(anchor, quarter, 4))).toBe('2027-11-30T00:00:00.000Z');
  });

  it('steps years as 12 months, from Feb 29 to Feb 28 and back', () => {
    const anchor = utc('2028-02-29T00:00:00Z');
    const year: Cadence = { unit: 'year', count: 1 };
    expect(iso(addCalendar(anchor, year, 1))).toBe('2029-02-28T00:00:00.000Z');
    expect(iso(addCalendar(anchor, year, 4))).toBe('2032-02-29T00:00:00.000Z');
    expect(iso(addCalendar(anchor, { unit: 'month', count: 12 }, 1))).toBe(
      '2029-02-28T00:00:00.000Z',
    );
  });

  it('steps multi-month cadences', () => {
    const anchor = utc('2026-01-31T00:00:00Z');
    expect(iso(addCalendar(anchor, { unit: 'month', count: 5 }, 1))).toBe(
      '2026-06-30T00:00:00.000Z',
    );
    expect(iso(addCalendar(anchor, { unit: 'month', count: 5 }, 2))).toBe(
      '2026-11-30T00:00:00.000Z',
    );
  });

  it('steps weeks, days and hours as fixed lengths across month and year ends', () => {
    const anchor = utc('2026-12-29T22:00:00Z');
    expect(iso(addCalendar(anchor, { unit: 'week', count: 1 }, 1))).toBe(
      '2027-01-05T22:00:00.000Z',
    );
    expect(iso(addCalendar(anchor, { unit: 'week', count: 2 }, 3))).toBe(
      '2027-02-09T22:00:00.000Z',
    );
    expect(iso(addCalendar(anchor, { unit: 'day', count: 3 }, 1))).toBe('2027-01-01T22:00:00.000Z');
    expect(iso(addCalendar(anchor, { unit: 'hour', count: 1 }, 3))).toBe(
      '2026-12-30T01:00:00.000Z',
    );
    expect(iso(addCalendar(anchor, { unit: 'hour', count: 6 }, 10))).toBe(
      '2027-01-01T10:00:00.000Z',
    );
  });

  it('puts month boundaries on an explicit day of the month for an already clamped anchor', () => {
    // "the 31st of every month", first boundary Feb 28
    const anchor = utc('2026-02-28T00:00:00Z');
    expect(iso(addCalendar(anchor, MONTH, 1, 31))).toBe('2026-03-31T00:00:00.000Z');
    expect(iso(addCalendar(anchor, MONTH, 2, 31))).toBe('2026-04-30T00:00:00.000Z');
    expect(() => addCalendar(utc('2026-03-28T00:00:00Z'), MONTH, 1, 31)).toThrow(RangeError);
  });

  it.each([0, -1, 1.5, Number.NaN])('rejects a cadence count of %p', (count) => {
    expect(() => addCalendar(utc('2026-01-01T00:00:00Z'), { unit: 'day', count }, 1)).toThrow(
      RangeError,
    );
  });
});

describe('intervalContaining', () => {
  const anchor = utc('2026-01-31T00:00:00Z');

  it('puts a boundary in the interval it starts, not the one it ends', () => {
    expect(isoInterval(intervalContaining(anchor, MONTH, anchor))).toEqual([
      '2026-01-31T00:00:00.000Z',
      '2026-02-28T00:00:00.000Z',
    ]);
    expect(isoInterval(intervalContaining(anchor, MONTH, utc('2026-02-28T00:00:00Z')))).toEqual([
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
    ]);
    expect(isoInterval(intervalContaining(anchor, MONTH, utc('2026-02-27T23:59:59.999Z')))).toEqual(
      ['2026-01-31T00:00:00.000Z', '2026-02-28T00:00:00.000Z'],
    );
  });

  it('finds the interval within a month when the anchor day is late', () => {
    // Mar 30 is before this month's boundary (Mar 31), so it is in the February interval.
    expect(isoInterval(intervalContaining(anchor, MONTH, utc('2026-03-30T12:00:00Z')))).toEqual([
      '2026-02-28T00:00:00.000Z',
      '2026-03-31T00:00:00.000Z',
    ]);
  });

  it('throws before the anchor: a series has no earlier interval', () => {
    expect(() => intervalContaining(anchor, MONTH, utc('2026-01-30T00:00:00Z'))).toThrow(
      RangeError,
    );
  });

  it('finds intervals decades ahead without walking through them', () => {
    const hourly: Cadence = { unit: 'hour', count: 1 };
    const hourAnchor = utc('2026-01-01T00:30:00Z');
    const near = {
      hours: timesRead(() => intervalContaining(hourAnchor, hourly, utc('2026-01-01T05:45:00Z'))),
      months: timesRead(() => intervalContaining(anchor, MONTH, utc('2026-03-04T05:45:00Z'))),
    };
    const far = {
      hours: timesRead(() => intervalContaining(hourAnchor, hourly, utc('2056-03-04T05:45:00Z'))),
      months: timesRead(() => intervalContaining(anchor, MONTH, utc('2226-03-04T05:45:00Z'))),
    };
    // A walk would compute every boundary in between: ~263,000 hours, ~2,400 months.
    expect(far).toEqual(near);
    expect(
      isoInterval(intervalContaining(hourAnchor, hourly, utc('2056-03-04T05:45:00Z'))),
    ).toEqual(['2056-03-04T05:30:00.000Z', '2056-03-04T06:30:00.000Z']);
    expect(isoInterval(intervalContaining(anchor, MONTH, utc('2226-03-04T05:45:00Z')))).toEqual([
      '2226-02-28T00:00:00.000Z',
      '2226-03-31T00:00:00.000Z',
    ]);
  });
});

describe('intervalsBetween', () => {
  const week: Cadence = { unit: 'week', count: 1 };
  const anchor = utc('2026-01-01T00:00:00Z');

  it('lists the intervals overlapping [from, to), including partly overlapping ones', () => {
    const intervals = intervalsBetween(
      anchor,
      week,
      utc('2026-01-10T00:00:00Z'),
      utc('2026-01-22T00:00:00Z'),
    );
    expect(intervals.map(isoInterval)).toEqual([
      ['2026-01-08T00:00:00.000Z', '2026-01-15T00:00:00.000Z'],
      ['2026-01-15T00:00:00.000Z', '2026-01-22T00:00:00.000Z'],
    ]);
  });

  it('starts at the anchor when from is earlier', () => {
    const intervals = intervalsBetween(
      anchor,
      week,
      utc('2025-06-01T00:00:00Z'),
      utc('2026-01-09T00:00:00Z'),
    );
    expect(intervals.map(isoInterval)).toEqual([
      ['2026-01-01T00:00:00.000Z', '2026-01-08T00:00:00.000Z'],
      ['2026-01-08T00:00:00.000Z', '2026-01-15T00:00:00.000Z'],
    ]);
  });

  it('is empty for an empty range or one before the anchor', () => {
    expect(
      intervalsBetween(anchor, week, utc('2026-02-01T00:00:00Z'), utc('2026-02-01T00:00:00Z')),
    ).toEqual([]);
    expect(intervalsBetween(anchor, week, utc('2025-01-01T00:00:00Z'), anchor)).toEqual([]);
  });
});

describe('isLongerThan', () => {
  const c = (count: number, unit: CalendarUnit): Cadence => ({ unit, count });

  it.each([
    [c(5, 'month'), c(1, 'year'), false],
    [c(1, 'year'), c(5, 'month'), true],
    [c(1, 'week'), c(1, 'month'), false],
    [c(31, 'day'), c(1, 'month'), true],
    [c(30, 'day'), c(1, 'month'), false],
    [c(12, 'month'), c(1, 'year'), false], // equal lengths are not longer
    [c(1, 'year'), c(12, 'month'), false],
    [c(3, 'month'), c(1, 'quarter'), false],
    [c(4, 'month'), c(1, 'quarter'), true],
    [c(24, 'hour'), c(1, 'day'), false],
    [c(25, 'hour'), c(1, 'day'), true],
    [c(366, 'day'), c(1, 'year'), true],
  ])('%j longer than %j: %p', (a, b, expected) => {
    expect(isLongerThan(a, b)).toBe(expected);
  });
});

describe('alignToAnchorDay', () => {
  it.each([
    ['2026-01-15T00:00:00Z', 1, '2026-02-01T00:00:00.000Z'],
    ['2026-01-01T00:00:00Z', 1, '2026-01-01T00:00:00.000Z'], // already on the anchor day
    ['2026-01-01T09:00:00Z', 1, '2026-02-01T00:00:00.000Z'], // past 00:00 of the anchor day
    ['2026-01-20T00:00:00Z', 31, '2026-01-31T00:00:00.000Z'],
    ['2026-02-10T00:00:00Z', 31, '2026-02-28T00:00:00.000Z'], // clamped to February
    ['2028-02-10T00:00:00Z', 30, '2028-02-29T00:00:00.000Z'], // leap year
    ['2026-12-15T00:00:00Z', 10, '2027-01-10T00:00:00.000Z'], // across the year end
  ])('%s aligned to day %i is %s', (start, anchorDay, expected) => {
    expect(iso(alignToAnchorDay(utc(start), anchorDay))).toBe(expected);
  });

  it.each([0, 32, 1.5])('rejects anchor day %p', (anchorDay) => {
    expect(() => alignToAnchorDay(utc('2026-01-01T00:00:00Z'), anchorDay)).toThrow(RangeError);
  });
});

describe('series invariants (property-based)', () => {
  const YEAR_MS = 365 * 24 * 3_600_000;
  const instant = (min: string, max: string) =>
    fc.date({ min: utc(min), max: utc(max), noInvalidDate: true });
  const cadence = fc.record({
    unit: fc.constantFrom<CalendarUnit>('hour', 'day', 'week', 'month', 'quarter', 'year'),
    count: fc.integer({ min: 1, max: 13 }),
  });
  const offsetMs = fc.integer({ min: 0, max: 40 * YEAR_MS });

  it('the interval containing an instant contains it and tiles with its neighbours', () => {
    fc.assert(
      fc.property(
        instant('1970-01-01', '2100-01-01'),
        cadence,
        offsetMs,
        (anchor, step, offset) => {
          const at = new Date(anchor.getTime() + offset);
          const interval = intervalContaining(anchor, step, at);
          expect(interval.start <= at && at < interval.end).toBe(true);
          const next = intervalContaining(anchor, step, interval.end);
          expect(next.start).toEqual(interval.end);
          const lastInstant = new Date(interval.end.getTime() - 1);
          expect(intervalContaining(anchor, step, lastInstant)).toEqual(interval);
        },
      ),
    );
  });

  it('anchor-day series contain their instants too', () => {
    const monthBased = fc.record({
      unit: fc.constantFrom<CalendarUnit>('month', 'quarter', 'year'),
      count: fc.integer({ min: 1, max: 13 }),
    });
    const anchorDay = fc.integer({ min: 1, max: 31 });
    fc.assert(
      fc.property(
        instant('1970-01-01', '2100-01-01'),
        anchorDay,
        monthBased,
        offsetMs,
        (start, day, step, offset) => {
          const anchor = alignToAnchorDay(start, day);
          const at = new Date(anchor.getTime() + offset);
          const interval = intervalContaining(anchor, step, at, day);
          expect(interval.start <= at && at < interval.end).toBe(true);
          expect(interval.start.getUTCDate()).toBeLessThanOrEqual(day);
        },
      ),
    );
  });

  it('intervalsBetween covers [from, to) with consecutive intervals', () => {
    fc.assert(
      fc.property(
        instant('1970-01-01', '2100-01-01'),
        cadence,
        offsetMs,
        fc.integer({ min: 1, max: 2 * YEAR_MS }),
        (anchor, step, fromOffset, length) => {
          const from = new Date(anchor.getTime() + fromOffset);
          const to = new Date(from.getTime() + length);
          const intervals = intervalsBetween(anchor, step, from, to);
          expect(intervals[0].start <= from).toBe(true);
          expect(intervals[intervals.length - 1].end >= to).toBe(true);
          // One expectation per case, not per interval: an hourly series has thousands.
          const misplaced = intervals
            .slice(1)
            .filter((interval, i) => +interval.start !== +intervals[i].end || interval.start >= to);
          expect(misplaced).toEqual([]);
        },
      ),
      { numRuns: 50 },
    );
  });
});
