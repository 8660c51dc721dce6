import { InvalidRatingInputError } from '../invalid-input';
import type { GraduatedRate, Tier } from '../rate-types';
import { d, tier } from '../rating.fixtures';
import { priceGraduated } from './graduated';

const rate = (...tiers: Tier[]): GraduatedRate => ({ model: 'graduated', tiers });
const price = (graduatedRate: GraduatedRate, quantity: string) =>
  priceGraduated(graduatedRate, { quantity: d(quantity) }).amount.toFixed();

// 0–100 at 1 + 10 flat; over 100 to 1000 at 0.5 + 5 flat; over 1000 at 0.1
const threeTiers = rate(tier('100', '1', '10'), tier('1000', '0.5', '5'), tier(null, '0.1'));

describe('priceGraduated', () => {
  it('prices the units of each tier at that tier (the API example)', () => {
    const tokens = rate(tier('1000000', '0'), tier(null, '0.000002'));
    // first 1000000 free, next 1500000 × 0.000002
    expect(price(tokens, '2500000')).toBe('3');
  });

  it('stops at a quantity exactly on upTo, without reaching the next tier or its flat amount', () => {
    expect(price(threeTiers, '100')).toBe('110'); // 100 × 1 + 10
    expect(price(threeTiers, '1000')).toBe('565'); // 110 + 900 × 0.5 + 5
  });

  it('adds the next tier and its flat amount one unit over', () => {
    expect(price(threeTiers, '101')).toBe('115.5'); // 110 + 1 × 0.5 + 5
    expect(price(threeTiers, '1001')).toBe('565.1'); // 565 + 1 × 0.1
  });

  it('prices fractional units inside a tier', () => {
    expect(price(threeTiers, '100.5')).toBe('115.25'); // 110 + 0.5 × 0.5 + 5
    expect(price(threeTiers, '0.5')).toBe('10.5'); // 0.5 × 1 + 10
  });

  it('prices 0 as reaching only the first tier: its flat amount, if any (see tiers.ts)', () => {
    expect(price(threeTiers, '0')).toBe('10');
    expect(price(rate(tier('100', '1'), tier(null, '0.5', '5')), '0')).toBe('0');
  });

  it('makes 0 free when the first tier is {upTo: 0}', () => {
    const feeFromFirstUnit = rate(tier('0', '0'), tier('100', '1', '10'), tier(null, '0.5'));
    expect(price(feeFromFirstUnit, '0')).toBe('0');
    expect(price(feeFromFirstUnit, '1')).toBe('11'); // 1 × 1 + 10
  });

  it('keeps every digit of 10^15 units at a 12-decimal unit price', () => {
    const huge = rate(tier('1000000', '0.000001'), tier(null, '0.000000123456'));
    // 10^6 × 0.000001 + (10^15 − 10^6) × 0.000000123456 = 1 + 123455999.876544
    expect(price(huge, '1e15')).toBe('123456000.876544');
  });

  it('explains the amount tier by tier, adding up to it exactly', () => {
    const { amount, breakdown } = priceGraduated(threeTiers, { quantity: d('1500') });
    expect(
      breakdown.map((line) => [line.description, line.quantity.toFixed(), line.amount.toFixed()]),
    ).toEqual([
      ['tier 1 (0 to 100)', '100', '110'], // 100 × 1 + 10
      ['tier 2 (over 100 to 1000)', '900', '455'], // 900 × 0.5 + 5
      ['tier 3 (over 1000)', '500', '50'], // 500 × 0.1
    ]);
    expect(amount.toFixed()).toBe('615');
  });

  it('rejects a negative quantity and tiers with a bounded last tier', () => {
    expect(() => price(threeTiers, '-0.5')).toThrow(InvalidRatingInputError);
    expect(() => price(rate(tier('100', '1')), '5')).toThrow(InvalidRatingInputError);
  });
});
