import { InvalidRatingInputError } from '../invalid-input';
import type { Tier, VolumeRate } from '../rate-types';
import { d, tier } from '../rating.fixtures';
import { priceVolume } from './volume';

const rate = (...tiers: Tier[]): VolumeRate => ({ model: 'volume', tiers });
const price = (volumeRate: VolumeRate, quantity: string) =>
  priceVolume(volumeRate, { quantity: d(quantity) }).amount.toFixed();

// 0–100 at 1; over 100 to 1000 at 0.8 + 10; over 1000 at 0.5 + 50
const threeTiers = rate(tier('100', '1'), tier('1000', '0.8', '10'), tier(null, '0.5', '50'));

describe('priceVolume', () => {
  it('prices the whole quantity at the tier it falls in (the API example)', () => {
    // 150 units, all at the second tier: 150 × 0.8
    expect(price(rate(tier('100', '1'), tier(null, '0.8')), '150')).toBe('120');
  });

  it('keeps a quantity exactly on upTo in that tier', () => {
    expect(price(threeTiers, '100')).toBe('100'); // 100 × 1
    expect(price(threeTiers, '1000')).toBe('810'); // 1000 × 0.8 + 10
  });

  it('moves the whole quantity to the next tier one unit over', () => {
    expect(price(threeTiers, '101')).toBe('90.8'); // 101 × 0.8 + 10
    expect(price(threeTiers, '1001')).toBe('550.5'); // 1001 × 0.5 + 50
  });

  it('moves a fractional quantity just over upTo to the next tier', () => {
    expect(price(threeTiers, '100.5')).toBe('90.4'); // 100.5 × 0.8 + 10
    expect(price(threeTiers, '0.5')).toBe('0.5'); // 0.5 × 1
  });

  it('prices 0 in the first tier: its flat amount, if any (see tiers.ts)', () => {
    expect(price(threeTiers, '0')).toBe('0');
    expect(price(rate(tier('100', '1', '20'), tier(null, '0.8')), '0')).toBe('20');
  });

  it('makes 0 free when the first tier is {upTo: 0}', () => {
    const feeFromFirstUnit = rate(tier('0', '0'), tier('100', '1', '20'), tier(null, '0.8'));
    expect(price(feeFromFirstUnit, '0')).toBe('0');
    expect(price(feeFromFirstUnit, '0.001')).toBe('20.001'); // 0.001 × 1 + 20
  });

  it('keeps every digit of 10^15 units at a 12-decimal unit price', () => {
    const huge = rate(tier('1000000', '0.000001'), tier(null, '0.000000000123', '50'));
    // 10^15 × 0.000000000123 + 50 = 123000 + 50
    expect(price(huge, '1e15')).toBe('123050');
    // 999999999999999 × 0.000000000123 + 50
    expect(price(huge, '999999999999999')).toBe('123049.999999999877');
  });

  it('explains the amount with the tier used', () => {
    const { breakdown } = priceVolume(threeTiers, { quantity: d('101') });
    expect(breakdown).toHaveLength(1);
    expect(breakdown[0].description).toBe('tier 2 (over 100 to 1000)');
    expect(breakdown[0].quantity.toFixed()).toBe('101');
    expect(breakdown[0].unitAmount?.toFixed()).toBe('0.8');
    expect(breakdown[0].flatAmount?.toFixed()).toBe('10');
    expect(breakdown[0].amount.toFixed()).toBe('90.8');
  });

  it('rejects tiers that are not ascending or not closed by an unbounded tier', () => {
    expect(() => price(rate(tier('100', '1'), tier('50', '1'), tier(null, '1')), '10')).toThrow(
      InvalidRatingInputError,
    );
    expect(() => price(rate(tier('100', '1')), '10')).toThrow(InvalidRatingInputError);
    expect(() => price(rate(), '10')).toThrow(InvalidRatingInputError);
  });
});
