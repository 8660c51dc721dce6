import { Decimal } from '../common/decimal';
import { InvalidRatingInputError } from './invalid-input';
import { priceRate, Rate, rateCharge } from './rate';
import { d, tier } from './rating.fixtures';

const perUnit = (bounds: { minimumAmount?: string; maximumAmount?: string }): Rate => ({
  model: 'per_unit',
  unitAmount: d('0.5'),
  ...(bounds.minimumAmount === undefined ? {} : { minimumAmount: d(bounds.minimumAmount) }),
  ...(bounds.maximumAmount === undefined ? {} : { maximumAmount: d(bounds.maximumAmount) }),
});
const charge = (rate: Rate, quantity: string, factor?: string) =>
  rateCharge(rate, { quantity: d(quantity) }, factor === undefined ? undefined : d(factor));

describe('spend bounds of a rate', () => {
  it('raises the charge to the minimum with a separate minimum spend part', () => {
    // 40 × 0.5 = 20 < 50: the minimum adds 30
    const { charge: usage, minimumSpend } = charge(perUnit({ minimumAmount: '50' }), '40');
    expect(usage.amount.toFixed()).toBe('20');
    expect(minimumSpend?.amount.toFixed()).toBe('30');
    expect(minimumSpend?.description).toBe('minimum spend (50): raised from 20');
    expect(
      priceRate(perUnit({ minimumAmount: '50' }), { quantity: d('40') }).amount.toFixed(),
    ).toBe('50');
  });

  it('owes the whole minimum on zero usage', () => {
    const { charge: usage, minimumSpend } = charge(perUnit({ minimumAmount: '50' }), '0');
    expect(usage.amount.toFixed()).toBe('0');
    expect(minimumSpend?.amount.toFixed()).toBe('50');
  });

  it('adds nothing once usage reaches the minimum, exactly or beyond', () => {
    expect(charge(perUnit({ minimumAmount: '50' }), '100').minimumSpend).toBeNull(); // 100 × 0.5 = 50
    expect(charge(perUnit({ minimumAmount: '50' }), '101').minimumSpend).toBeNull();
  });

  it('prorates the minimum for a cut interval', () => {
    // half an interval: 50 × 0.5 = 25 owed; 10 × 0.5 = 5 used → 20 more
    const { minimumSpend } = charge(perUnit({ minimumAmount: '50' }), '10', '0.5');
    expect(minimumSpend?.amount.toFixed()).toBe('20');
    expect(minimumSpend?.description).toBe('minimum spend (50, prorated × 0.5): raised from 5');
  });

  it('caps the charge at the maximum with a negative breakdown line', () => {
    // 300 × 0.5 = 150 capped at 100
    const { charge: usage } = charge(perUnit({ maximumAmount: '100' }), '300');
    expect(usage.amount.toFixed()).toBe('100');
    expect(usage.breakdown.map((line) => [line.description, line.amount.toFixed()])).toEqual([
      ['per unit', '150'],
      ['maximum spend (100): capped', '-50'],
    ]);
    expect(charge(perUnit({ maximumAmount: '100' }), '200').charge.breakdown).toHaveLength(1);
  });

  it('caps even below the flat fees of the tiers reached', () => {
    // graduated: 0–100 at 1 + 20 flat, above at 0.5 + 30 flat; 150 units = 100 + 20 + 25 + 30 = 175
    const rate: Rate = {
      model: 'graduated',
      tiers: [tier('100', '1', '20'), tier(null, '0.5', '30')],
      maximumAmount: d('40'),
    };
    expect(charge(rate, '150').charge.amount.toFixed()).toBe('40');
    // zero usage still owes the first flat fee, 20, and the cap of 15 is below it
    expect(charge({ ...rate, maximumAmount: d('15') }, '0').charge.amount.toFixed()).toBe('15');
  });

  it('applies both bounds, and refuses a minimum above the maximum', () => {
    const both = perUnit({ minimumAmount: '10', maximumAmount: '100' });
    expect(priceRate(both, { quantity: d('4') }).amount.toFixed()).toBe('10');
    expect(priceRate(both, { quantity: d('60') }).amount.toFixed()).toBe('30');
    expect(priceRate(both, { quantity: d('1000') }).amount.toFixed()).toBe('100');
    expect(() => charge(perUnit({ minimumAmount: '10', maximumAmount: '5' }), '1')).toThrow(
      InvalidRatingInputError,
    );
  });

  it('bounds every model the same way, percentage included', () => {
    const percentage: Rate = {
      model: 'percentage',
      rate: d('2'),
      fixedAmount: new Decimal(0),
      freeEvents: new Decimal(0),
      freeAmount: new Decimal(0),
      minPerEvent: null,
      maxPerEvent: null,
      minimumAmount: d('5'),
    };
    // 2 % of 100 = 2, raised to 5
    expect(priceRate(percentage, { events: [d('100')] }).amount.toFixed()).toBe('5');
  });
});
