import { Decimal } from '../common/decimal';
import { Interval } from '../common/period';
import { BillableSubscription } from './billable-subscription';
import { duePeriods, scheduleOf, upcomingPeriod } from './subscription-schedule';

const utc = (iso: string) => new Date(iso);
const days = ({ start, end }: Interval) =>
  `${start.toISOString().slice(0, 16)}..${end.toISOString().slice(0, 16)}`;

function subscription(overrides: Partial<BillableSubscription> = {}): BillableSubscription {
  return {
    id: 'sub-1',
    customerId: 'cus-1',
    customerExternalId: 'acme',
    currency: 'USD',
    taxRate: new Decimal(0),
    start: utc('2026-03-01T00:00:00Z'),
    end: null,
    billingCadence: { unit: 'month', count: 1 },
    anchorDay: null,
    planVersionId: 'v1',
    planChanges: [],
    licenceQuantities: new Map(),
    ...overrides,
  };
}

describe('duePeriods', () => {
  it('lists the periods ended by the cutoff, after the last invoiced one, in order', () => {
    expect(duePeriods(subscription(), null, utc('2026-06-01T00:00:00Z')).map(days)).toEqual([
      '2026-03-01T00:00..2026-04-01T00:00',
      '2026-04-01T00:00..2026-05-01T00:00',
      '2026-05-01T00:00..2026-06-01T00:00',
    ]);
    expect(
      duePeriods(subscription(), utc('2026-05-01T00:00:00Z'), utc('2026-06-01T00:00:00Z')).map(
        days,
      ),
    ).toEqual(['2026-05-01T00:00..2026-06-01T00:00']);
  });

  it('leaves out the period still open at the cutoff', () => {
    expect(duePeriods(subscription(), null, utc('2026-03-31T23:59:59Z'))).toEqual([]);
    expect(duePeriods(subscription(), null, utc('2026-05-15T00:00:00Z'))).toHaveLength(2);
  });

  it('cuts the last period at the subscription end, due once the end has passed', () => {
    const ended = subscription({ end: utc('2026-04-15T00:00:00Z') });
    expect(duePeriods(ended, utc('2026-04-01T00:00:00Z'), utc('2026-04-14T00:00:00Z'))).toEqual([]);
    expect(
      duePeriods(ended, utc('2026-04-01T00:00:00Z'), utc('2027-01-01T00:00:00Z')).map(days),
    ).toEqual(['2026-04-01T00:00..2026-04-15T00:00']);
  });

  it('works on whole hours, as usage is kept: a start at 10:30 bills from 10:00', () => {
    const started = subscription({ start: utc('2026-03-10T10:30:00Z') });
    expect(duePeriods(started, null, utc('2026-04-11T00:00:00Z')).map(days)).toEqual([
      '2026-03-10T10:00..2026-04-10T10:00',
    ]);
  });

  it('has nothing to bill for a subscription within a single hour', () => {
    const brief = subscription({
      start: utc('2026-03-10T10:05:00Z'),
      end: utc('2026-03-10T10:55:00Z'),
    });
    expect(duePeriods(brief, null, utc('2027-01-01T00:00:00Z'))).toEqual([]);
    expect(scheduleOf(brief, { unit: 'day', count: 1 })).toBeNull();
    expect(upcomingPeriod(brief, utc('2026-03-10T10:10:00Z'))).toBeNull();
  });
});

describe('upcomingPeriod', () => {
  it('is the period containing now, or the first one before the start', () => {
    expect(days(upcomingPeriod(subscription(), utc('2026-04-20T12:00:00Z'))!)).toBe(
      '2026-04-01T00:00..2026-05-01T00:00',
    );
    const later = subscription({ start: utc('2026-06-16T00:00:00Z'), anchorDay: 1 });
    expect(days(upcomingPeriod(later, utc('2026-04-20T12:00:00Z'))!)).toBe(
      '2026-06-16T00:00..2026-07-01T00:00',
    );
  });

  it('is null once the subscription has ended', () => {
    expect(
      upcomingPeriod(
        subscription({ end: utc('2026-04-01T00:00:00Z') }),
        utc('2026-04-01T00:00:00Z'),
      ),
    ).toBeNull();
  });
});
