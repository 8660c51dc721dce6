import fc from 'fast-check';
import { Decimal } from './decimal';
import { Cadence, CalendarUnit, Interval, isLongerThan } from './period';
import {
  ScheduleInput,
  billingPeriods,
  currentServiceInterval,
  periodContaining,
  scheduleForPeriod,
  serviceIntervalsBetween,
} from './billing-schedule';

const utc = (iso: string): Date => new Date(iso);
/** Dates as YYYY-MM-DD when at midnight, so expectations read like a calendar. */
const day = (date: Date): string => date.toISOString().replace('T00:00:00.000Z', '');
const days = ({ start, end }: Interval): string => `${day(start)}..${day(end)}`;

const MONTH: Cadence = { unit: 'month', count: 1 };
const YEAR: Cadence = { unit: 'year', count: 1 };
const WEEK: Cadence = { unit: 'week', count: 1 };

function subscription(overrides: Partial<ScheduleInput> = {}): ScheduleInput {
  return {
    subscriptionStart: utc('2026-01-01T00:00:00Z'),
    subscriptionEnd: null,
    billingCadence: MONTH,
    serviceInterval: MONTH,
    ...overrides,
  };
}

function licenceSummary(input: ScheduleInput, period: Interval): string[] {
  return scheduleForPeriod(input, period).licenceIntervals.map(
    (interval) => `${days(interval)} × ${interval.prorationFactor.toFixed()}`,
  );
}

function usageSummary(input: ScheduleInput, period: Interval): string[] {
  return scheduleForPeriod(input, period).usageIntervals.map(days);
}

describe('billingPeriods', () => {
  it('follows the cadence from the subscription start without an anchor day', () => {
    const input = subscription({ subscriptionStart: utc('2026-01-31T00:00:00Z') });
    const periods = billingPeriods(input, utc('2026-01-01T00:00:00Z'), utc('2026-05-01T00:00:00Z'));
    expect(periods.map(days)).toEqual([
      '2026-01-31..2026-02-28',
      '2026-02-28..2026-03-31',
      '2026-03-31..2026-04-30',
      '2026-04-30..2026-05-31',
    ]);
  });

  it('runs a short first period up to the anchor day, then full periods', () => {
    const input = subscription({ subscriptionStart: utc('2026-01-15T00:00:00Z'), anchorDay: 1 });
    const periods = billingPeriods(input, utc('2026-01-01T00:00:00Z'), utc('2026-04-01T00:00:00Z'));
    expect(periods.map(days)).toEqual([
      '2026-01-15..2026-02-01',
      '2026-02-01..2026-03-01',
      '2026-03-01..2026-04-01',
    ]);
  });

  it('keeps an anchor day of 31 on the last day of short months', () => {
    const input = subscription({ subscriptionStart: utc('2026-02-10T00:00:00Z'), anchorDay: 31 });
    const periods = billingPeriods(input, utc('2026-02-10T00:00:00Z'), utc('2026-06-01T00:00:00Z'));
    expect(periods.map(days)).toEqual([
      '2026-02-10..2026-02-28',
      '2026-02-28..2026-03-31',
      '2026-03-31..2026-04-30',
      '2026-04-30..2026-05-31',
      '2026-05-31..2026-06-30',
    ]);
  });

  it('has no short first period when the subscription starts on the anchor day', () => {
    const input = subscription({ billingCadence: { unit: 'quarter', count: 1 }, anchorDay: 1 });
    const periods = billingPeriods(input, utc('2026-01-01T00:00:00Z'), utc('2026-07-01T00:00:00Z'));
    expect(periods.map(days)).toEqual(['2026-01-01..2026-04-01', '2026-04-01..2026-07-01']);
  });

  it('cuts the last period at the subscription end and has none after it', () => {
    const input = subscription({ subscriptionEnd: utc('2026-03-16T00:00:00Z') });
    const periods = billingPeriods(input, utc('2026-01-01T00:00:00Z'), utc('2027-01-01T00:00:00Z'));
    expect(periods.map(days)).toEqual([
      '2026-01-01..2026-02-01',
      '2026-02-01..2026-03-01',
      '2026-03-01..2026-03-16',
    ]);
  });

  it('cuts the short first period when the subscription ends before the anchor day', () => {
    const input = subscription({
      subscriptionStart: utc('2026-01-15T00:00:00Z'),
      subscriptionEnd: utc('2026-01-20T00:00:00Z'),
      anchorDay: 1,
    });
    expect(
      billingPeriods(input, utc('2026-01-01T00:00:00Z'), utc('2027-01-01T00:00:00Z')).map(days),
    ).toEqual(['2026-01-15..2026-01-20']);
  });
});

describe('periodContaining', () => {
  const input = subscription({
    subscriptionStart: utc('2026-01-15T00:00:00Z'),
    subscriptionEnd: utc('2026-03-10T00:00:00Z'),
    anchorDay: 1,
  });

  it('gives a boundary to the period it starts', () => {
    expect(days(periodContaining(input, utc('2026-01-15T00:00:00Z'))!)).toBe(
      '2026-01-15..2026-02-01',
    );
    expect(days(periodContaining(input, utc('2026-01-31T23:59:59Z'))!)).toBe(
      '2026-01-15..2026-02-01',
    );
    expect(days(periodContaining(input, utc('2026-02-01T00:00:00Z'))!)).toBe(
      '2026-02-01..2026-03-01',
    );
    expect(days(periodContaining(input, utc('2026-03-09T00:00:00Z'))!)).toBe(
      '2026-03-01..2026-03-10',
    );
  });

  it('is null before the start and from the end on', () => {
    expect(periodContaining(input, utc('2026-01-14T23:59:59Z'))).toBeNull();
    expect(periodContaining(input, utc('2026-03-10T00:00:00Z'))).toBeNull();
  });
});

describe('scheduleForPeriod', () => {
  describe('a 5-month service interval on a yearly cadence', () => {
    const input = subscription({
      billingCadence: YEAR,
      serviceInterval: { unit: 'month', count: 5 },
    });
    const [first, second, third] = billingPeriods(
      input,
      utc('2026-01-01T00:00:00Z'),
      utc('2029-01-01T00:00:00Z'),
    );

    it('bills the usage of the intervals that ended in the year', () => {
      // Intervals: Jan–Jun 2026, Jun–Nov 2026, Nov 2026–Apr 2027, Apr–Sep 2027, Sep 2027–Feb 2028, …
      expect(usageSummary(input, first)).toEqual([
        '2026-01-01..2026-06-01',
        '2026-06-01..2026-11-01',
      ]);
      expect(usageSummary(input, second)).toEqual([
        '2026-11-01..2027-04-01',
        '2027-04-01..2027-09-01',
      ]);
      // Sep 2027–Feb 2028 ends in 2028: the third year bills it.
      expect(usageSummary(input, third)).toEqual([
        '2027-09-01..2028-02-01',
        '2028-02-01..2028-07-01',
        '2028-07-01..2028-12-01',
      ]);
    });

    it('bills the licence fees of the intervals that start in the year, in advance', () => {
      expect(licenceSummary(input, first)).toEqual([
        '2026-01-01..2026-06-01 × 1',
        '2026-06-01..2026-11-01 × 1',
        '2026-11-01..2027-04-01 × 1',
      ]);
      expect(licenceSummary(input, second)).toEqual([
        '2027-04-01..2027-09-01 × 1',
        '2027-09-01..2028-02-01 × 1',
      ]);
    });
  });

  describe('a weekly service interval on a monthly cadence', () => {
    // 2026-01-01 is a Thursday: weeks run Thursday to Thursday.
    const input = subscription({ serviceInterval: WEEK });
    const [january, february] = billingPeriods(
      input,
      utc('2026-01-01T00:00:00Z'),
      utc('2026-03-01T00:00:00Z'),
    );

    it('bills the usage of the weeks that ended in the month', () => {
      expect(usageSummary(input, january)).toEqual([
        '2026-01-01..2026-01-08',
        '2026-01-08..2026-01-15',
        '2026-01-15..2026-01-22',
        '2026-01-22..2026-01-29',
      ]);
      // The week Jan 29–Feb 5 ended in February; the one from Feb 26 ends in March.
      expect(usageSummary(input, february)).toEqual([
        '2026-01-29..2026-02-05',
        '2026-02-05..2026-02-12',
        '2026-02-12..2026-02-19',
        '2026-02-19..2026-02-26',
      ]);
    });

    it('bills the licence fees of the weeks that started in the month', () => {
      expect(licenceSummary(input, january)).toEqual([
        '2026-01-01..2026-01-08 × 1',
        '2026-01-08..2026-01-15 × 1',
        '2026-01-15..2026-01-22 × 1',
        '2026-01-22..2026-01-29 × 1',
        '2026-01-29..2026-02-05 × 1',
      ]);
    });
  });

  describe('a subscription ending mid-interval', () => {
    const input = subscription({ subscriptionEnd: utc('2026-04-16T00:00:00Z') });
    const periods = billingPeriods(input, utc('2026-01-01T00:00:00Z'), utc('2027-01-01T00:00:00Z'));

    it('bills full intervals at factor 1 before the end', () => {
      expect(licenceSummary(input, periods[2])).toEqual(['2026-03-01..2026-04-01 × 1']);
    });

    it('bills the cut interval in the period containing the end, prorating its fee', () => {
      const last = periods[periods.length - 1];
      expect(days(last)).toBe('2026-04-01..2026-04-16');
      expect(usageSummary(input, last)).toEqual(['2026-04-01..2026-04-16']);
      // 15 days of the 30 days of April
      expect(licenceSummary(input, last)).toEqual(['2026-04-01..2026-04-16 × 0.5']);
    });

    it('prorates by time to the hour, against the full interval from the same start', () => {
      const endAtNoon = subscription({ subscriptionEnd: utc('2026-02-08T12:00:00Z') });
      const [, february] = billingPeriods(
        endAtNoon,
        utc('2026-01-01T00:00:00Z'),
        utc('2027-01-01T00:00:00Z'),
      );
      const [fee] = scheduleForPeriod(endAtNoon, february).licenceIntervals;
      // 7.5 days of February's 28 days = 15/56
      expect(fee.prorationFactor.equals(new Decimal(15).div(56))).toBe(true);
    });

    it('does not prorate when the end falls on an interval boundary', () => {
      const endOnBoundary = subscription({ subscriptionEnd: utc('2026-03-01T00:00:00Z') });
      const periods2 = billingPeriods(
        endOnBoundary,
        utc('2026-01-01T00:00:00Z'),
        utc('2027-01-01T00:00:00Z'),
      );
      expect(periods2.map(days)).toEqual(['2026-01-01..2026-02-01', '2026-02-01..2026-03-01']);
      expect(licenceSummary(endOnBoundary, periods2[1])).toEqual(['2026-02-01..2026-03-01 × 1']);
      expect(usageSummary(endOnBoundary, periods2[1])).toEqual(['2026-02-01..2026-03-01']);
    });

    it('bills the final, cut week in the month of the end', () => {
      const weekly = subscription({
        serviceInterval: WEEK,
        subscriptionEnd: utc('2026-02-09T00:00:00Z'),
      });
      const [, february] = billingPeriods(
        weekly,
        utc('2026-01-01T00:00:00Z'),
        utc('2027-01-01T00:00:00Z'),
      );
      expect(days(february)).toBe('2026-02-01..2026-02-09');
      expect(usageSummary(weekly, february)).toEqual([
        '2026-01-29..2026-02-05',
        '2026-02-05..2026-02-09',
      ]);
      // 4 days of a 7-day week
      const [fee] = scheduleForPeriod(weekly, february).licenceIntervals;
      expect(fee.prorationFactor.equals(new Decimal(4).div(7))).toBe(true);
    });
  });

  describe('a short first billing period from an anchor day', () => {
    const input = subscription({ subscriptionStart: utc('2026-01-15T00:00:00Z'), anchorDay: 1 });
    const [stub, february] = billingPeriods(
      input,
      utc('2026-01-01T00:00:00Z'),
      utc('2026-03-01T00:00:00Z'),
    );

    it('bills the short first interval, prorated, and its usage in the first period', () => {
      // Jan 15 → Feb 1 is 17 of the 31 days of the full interval Jan 1 → Feb 1
      expect(usageSummary(input, stub)).toEqual(['2026-01-15..2026-02-01']);
      const [fee] = scheduleForPeriod(input, stub).licenceIntervals;
      expect(days(fee)).toBe('2026-01-15..2026-02-01');
      expect(fee.prorationFactor.equals(new Decimal(17).div(31))).toBe(true);
    });

    it('then bills calendar months from the anchor day', () => {
      expect(usageSummary(input, february)).toEqual(['2026-02-01..2026-03-01']);
      expect(licenceSummary(input, february)).toEqual(['2026-02-01..2026-03-01 × 1']);
    });
  });
});

describe('currentServiceInterval', () => {
  const input = subscription({
    subscriptionStart: utc('2026-01-15T00:00:00Z'),
    subscriptionEnd: utc('2026-03-20T00:00:00Z'),
    billingCadence: MONTH,
    anchorDay: 1,
  });

  it('follows the billing anchor day after a short first interval', () => {
    expect(days(currentServiceInterval(input, utc('2026-01-15T00:00:00Z'))!)).toBe(
      '2026-01-15..2026-02-01',
    );
    expect(days(currentServiceInterval(input, utc('2026-02-15T00:00:00Z'))!)).toBe(
      '2026-02-01..2026-03-01',
    );
  });

  it('is anchored at the subscription start without an anchor day', () => {
    const unanchored = { ...input, anchorDay: null };
    expect(days(currentServiceInterval(unanchored, utc('2026-02-15T00:00:00Z'))!)).toBe(
      '2026-02-15..2026-03-15',
    );
  });

  it('is cut at the subscription end', () => {
    expect(days(currentServiceInterval(input, utc('2026-03-19T00:00:00Z'))!)).toBe(
      '2026-03-01..2026-03-20',
    );
  });

  it('is null before the start and from the end on', () => {
    expect(currentServiceInterval(input, utc('2026-01-14T00:00:00Z'))).toBeNull();
    expect(currentServiceInterval(input, utc('2026-03-20T00:00:00Z'))).toBeNull();
  });
});

describe('input validation', () => {
  const from = utc('2026-01-01T00:00:00Z');
  const to = utc('2027-01-01T00:00:00Z');

  it('rejects a service interval longer than the billing cadence', () => {
    const input = subscription({ billingCadence: WEEK, serviceInterval: MONTH });
    expect(() => billingPeriods(input, from, to)).toThrow(/longer than the billing cadence/);
    expect(() => currentServiceInterval(input, from)).toThrow(RangeError);
  });

  it('accepts a service interval as long as the cadence', () => {
    const input = subscription({
      billingCadence: YEAR,
      serviceInterval: { unit: 'month', count: 12 },
    });
    expect(billingPeriods(input, from, to).map(days)).toEqual(['2026-01-01..2027-01-01']);
  });

  it('rejects an end that is not after the start', () => {
    const input = subscription({ subscriptionEnd: utc('2026-01-01T00:00:00Z') });
    expect(() => billingPeriods(input, from, to)).toThrow(RangeError);
  });

  it('rejects an anchor day on a cadence that is not month-based', () => {
    const input = subscription({ billingCadence: WEEK, serviceInterval: WEEK, anchorDay: 1 });
    expect(() => billingPeriods(input, from, to)).toThrow(/anchor day/);
  });
});

describe('billing invariants (property-based)', () => {
  const cadenceOf = (units: CalendarUnit[], maxCount: number) =>
    fc.record({ unit: fc.constantFrom(...units), count: fc.integer({ min: 1, max: maxCount }) });
  const scheduleInput = fc
    .record({
      subscriptionStart: fc.date({
        min: utc('2000-01-01'),
        max: utc('2040-01-01'),
        noInvalidDate: true,
      }),
      lengthMs: fc.integer({ min: 1, max: 3 * 365 * 86_400_000 }),
      billingCadence: cadenceOf(['week', 'month', 'quarter', 'year'], 4),
      serviceInterval: cadenceOf(['day', 'week', 'month', 'quarter', 'year'], 4),
      anchorDay: fc.option(fc.integer({ min: 1, max: 31 })),
    })
    .filter(({ serviceInterval, billingCadence }) => !isLongerThan(serviceInterval, billingCadence))
    .map(({ lengthMs, anchorDay, billingCadence, ...rest }): ScheduleInput => ({
      ...rest,
      billingCadence,
      subscriptionEnd: new Date(rest.subscriptionStart.getTime() + lengthMs),
      anchorDay: billingCadence.unit === 'week' ? null : anchorDay,
    }));

  it('tiles the subscription with billing periods and bills every service interval exactly once', () => {
    fc.assert(
      fc.property(scheduleInput, (input) => {
        const { subscriptionStart: start, subscriptionEnd } = input;
        const end = subscriptionEnd!;
        const periods = billingPeriods(input, start, end);
        expect(periods[0].start).toEqual(start);
        expect(periods[periods.length - 1].end).toEqual(end);
        // One expectation per case, not per period or interval: a case has up to a thousand.
        const gaps = periods.slice(1).filter((period, i) => +period.start !== +periods[i].end);
        expect(gaps).toEqual([]);

        const serviceIntervals = serviceIntervalsBetween(input, start, end).map(days);
        const schedules = periods.map((period) => scheduleForPeriod(input, period));
        expect(schedules.flatMap((s) => s.usageIntervals.map(days))).toEqual(serviceIntervals);
        expect(schedules.flatMap((s) => s.licenceIntervals.map(days))).toEqual(serviceIntervals);
        const outOfRange = schedules
          .flatMap((s) => s.licenceIntervals)
          .filter(({ prorationFactor }) => !(prorationFactor.gt(0) && prorationFactor.lte(1)));
        expect(outOfRange).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
