import { Decimal } from '../common/decimal';
import { ScheduleInput } from '../common/billing-schedule';
import { RolloverSource, rolloverLots } from './rollover-lots';

const utc = (at: string) => new Date(at);
const schedule = (overrides: Partial<ScheduleInput> = {}): ScheduleInput => ({
  subscriptionStart: utc('2026-01-01T00:00:00Z'),
  subscriptionEnd: null,
  billingCadence: { unit: 'month', count: 1 },
  serviceInterval: { unit: 'month', count: 1 },
  ...overrides,
});
const source = (overrides: Partial<RolloverSource> = {}): RolloverSource => ({
  lotId: 'lot-jan',
  customerId: 'customer',
  subscriptionId: 'subscription',
  name: 'Monthly credit',
  currency: 'USD',
  remaining: new Decimal('6.00'),
  appliesTo: ['tokens'],
  expiresAt: utc('2026-02-01T00:00:00Z'),
  maximumAmount: new Decimal('10.00'),
  expiresAfterIntervals: 1,
  ...overrides,
});

describe('rolloverLots', () => {
  it('carries what is left into the next interval, expiring at its end', () => {
    expect(rolloverLots([source()], schedule())).toEqual([
      {
        rolledOverFrom: 'lot-jan',
        customerId: 'customer',
        subscriptionId: 'subscription',
        name: 'Monthly credit (rolled over)',
        currency: 'USD',
        amount: new Decimal('6.00'),
        appliesTo: ['tokens'],
        validFrom: utc('2026-02-01T00:00:00Z'),
        expiresAt: utc('2026-03-01T00:00:00Z'),
      },
    ]);
  });

  it('caps the amount and counts its own expiry in intervals', () => {
    const [lot] = rolloverLots(
      [source({ remaining: new Decimal('14.50'), expiresAfterIntervals: 3 })],
      schedule(),
    );
    expect(lot.amount.toFixed(2)).toBe('10.00');
    expect(lot.expiresAt).toEqual(utc('2026-05-01T00:00:00Z')); // Feb, Mar, Apr
  });

  it('rolls nothing after the subscription ended, and ends with it', () => {
    const ended = schedule({ subscriptionEnd: utc('2026-02-01T00:00:00Z') });
    expect(rolloverLots([source()], ended)).toEqual([]);
    const endingInFebruary = schedule({ subscriptionEnd: utc('2026-02-15T00:00:00Z') });
    const [lot] = rolloverLots([source({ expiresAfterIntervals: 2 })], endingInFebruary);
    expect(lot.expiresAt).toEqual(utc('2026-02-15T00:00:00Z'));
  });
});
