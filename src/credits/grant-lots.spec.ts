import { Decimal } from '../common/decimal';
import { Cadence, Interval } from '../common/period';
import { ScheduleInput, serviceIntervalsBetween } from '../common/billing-schedule';
import { GrantToIssue, grantLotsForIntervals } from './grant-lots';

const utc = (iso: string): Date => new Date(iso);
/** Dates as YYYY-MM-DD when at midnight, so expectations read like a calendar. */
const day = (date: Date | null): string | null =>
  date && date.toISOString().replace('T00:00:00.000Z', '');

const MONTH: Cadence = { unit: 'month', count: 1 };

function schedule(overrides: Partial<ScheduleInput> = {}): ScheduleInput {
  return {
    subscriptionStart: utc('2026-01-01T00:00:00Z'),
    subscriptionEnd: null,
    billingCadence: MONTH,
    serviceInterval: MONTH,
    ...overrides,
  };
}

function grant(overrides: Partial<GrantToIssue> = {}): GrantToIssue {
  return {
    id: 'grant-1',
    name: 'Monthly credit',
    amount: new Decimal('10.00'),
    appliesTo: ['item-1', 'item-2'],
    expiresAfterIntervals: 1,
    ...overrides,
  };
}

/** "validFrom → expiresAt" of each lot, in days. */
function lotsOf(input: ScheduleInput, grants: GrantToIssue[], intervals: Interval[]): string[] {
  return grantLotsForIntervals({
    customerId: 'customer-1',
    subscriptionId: 'subscription-1',
    currency: 'USD',
    schedule: input,
    grants,
    intervals,
  }).map((lot) => `${day(lot.validFrom)} → ${day(lot.expiresAt)}`);
}

const between = (input: ScheduleInput, from: string, to: string) =>
  serviceIntervalsBetween(input, utc(from), utc(to));

describe('grantLotsForIntervals', () => {
  it('issues one lot per grant and interval, carrying the grant and subscription', () => {
    const input = schedule();
    const lots = grantLotsForIntervals({
      customerId: 'customer-1',
      subscriptionId: 'subscription-1',
      currency: 'EUR',
      schedule: input,
      grants: [grant(), grant({ id: 'grant-2', name: 'Bonus', amount: new Decimal('2.5') })],
      intervals: between(input, '2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z'),
    });
    expect(lots).toHaveLength(4);
    expect(lots[0]).toEqual({
      customerId: 'customer-1',
      subscriptionId: 'subscription-1',
      planCreditGrantId: 'grant-1',
      name: 'Monthly credit',
      currency: 'EUR',
      amount: new Decimal('10.00'),
      appliesTo: ['item-1', 'item-2'],
      validFrom: utc('2026-01-01T00:00:00Z'),
      expiresAt: utc('2026-02-01T00:00:00Z'),
    });
    expect(lots.map((lot) => `${lot.planCreditGrantId}@${day(lot.validFrom)}`)).toEqual([
      'grant-1@2026-01-01',
      'grant-2@2026-01-01',
      'grant-1@2026-02-01',
      'grant-2@2026-02-01',
    ]);
  });

  it('expires after one interval at the end of the same interval', () => {
    const input = schedule();
    expect(
      lotsOf(input, [grant()], between(input, '2026-01-01T00:00:00Z', '2026-04-01T00:00:00Z')),
    ).toEqual(['2026-01-01 → 2026-02-01', '2026-02-01 → 2026-03-01', '2026-03-01 → 2026-04-01']);
  });

  it('expires after two intervals at the end of the next one', () => {
    const input = schedule();
    const grants = [grant({ expiresAfterIntervals: 2 })];
    expect(
      lotsOf(input, grants, between(input, '2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z')),
    ).toEqual(['2026-01-01 → 2026-03-01', '2026-02-01 → 2026-04-01']);
  });

  it('never expires without expiresAfterIntervals', () => {
    const input = schedule();
    const grants = [grant({ expiresAfterIntervals: null })];
    expect(
      lotsOf(input, grants, between(input, '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z')),
    ).toEqual(['2026-01-01 → null']);
  });

  it('expires with the subscription when it ends before the counted intervals do', () => {
    const input = schedule({ subscriptionEnd: utc('2026-02-15T00:00:00Z') });
    const grants = [grant({ expiresAfterIntervals: 3 })];
    expect(
      lotsOf(input, grants, between(input, '2026-01-01T00:00:00Z', '2026-06-01T00:00:00Z')),
    ).toEqual(['2026-01-01 → 2026-02-15', '2026-02-01 → 2026-02-15']);
  });

  it('counts the short first interval of an anchor day as the first one', () => {
    // Billed on the 1st from Jan 15: intervals Jan 15..Feb 1, Feb 1..Mar 1, ...
    const input = schedule({ subscriptionStart: utc('2026-01-15T00:00:00Z'), anchorDay: 1 });
    const grants = [grant({ expiresAfterIntervals: 2 })];
    expect(
      lotsOf(input, grants, between(input, '2026-01-15T00:00:00Z', '2026-02-01T00:00:00Z')),
    ).toEqual(['2026-01-15 → 2026-03-01']);
  });

  it('follows month-end anchors without drifting', () => {
    // From Jan 31: Jan 31..Feb 28, Feb 28..Mar 31, Mar 31..Apr 30.
    const input = schedule({ subscriptionStart: utc('2026-01-31T00:00:00Z') });
    const grants = [grant({ expiresAfterIntervals: 3 })];
    expect(
      lotsOf(input, grants, between(input, '2026-01-31T00:00:00Z', '2026-02-01T00:00:00Z')),
    ).toEqual(['2026-01-31 → 2026-04-30']);
  });

  it('counts weekly intervals', () => {
    const input = schedule({ serviceInterval: { unit: 'week', count: 1 } });
    const grants = [grant({ expiresAfterIntervals: 2 })];
    expect(
      lotsOf(input, grants, between(input, '2026-01-01T00:00:00Z', '2026-01-08T00:00:00Z')),
    ).toEqual(['2026-01-01 → 2026-01-15']);
  });

  it('issues nothing without grants or intervals', () => {
    const input = schedule();
    expect(
      lotsOf(input, [], between(input, '2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z')),
    ).toEqual([]);
    expect(lotsOf(input, [grant()], [])).toEqual([]);
  });
});
