import { InvalidRatingInputError } from '../invalid-input';
import type { GraduatedPercentageRate } from '../rate';
import { d } from '../rating.fixtures';
import { priceGraduatedPercentage } from './graduated-percentage';

const range = (upTo: string | null, rate: string, flatAmount = '0') => ({
  upTo: upTo === null ? null : d(upTo),
  rate: d(rate),
  flatAmount: d(flatAmount),
});
const rate = (...tiers: ReturnType<typeof range>[]): GraduatedPercentageRate => ({
  model: 'graduated_percentage',
  tiers,
});
const price = (percentageRate: GraduatedPercentageRate, value: string) =>
  priceGraduatedPercentage(percentageRate, { quantity: d(value) }).amount.toFixed();

// Lago's table: 0–1 000 at 1 % + 200, 1 000–10 000 at 2 % + 300, above at 3 % + 400
const lago = rate(range('1000', '1', '200'), range('10000', '2', '300'), range(null, '3', '400'));

describe('priceGraduatedPercentage', () => {
  it("prices Lago's example: 500 then 1 050 of payment volume", () => {
    expect(price(lago, '500')).toBe('205'); // 500 × 1 % + 200
    // 1 000 × 1 % + 50 × 2 % + 200 + 300
    expect(price(lago, '1050')).toBe('511');
  });

  it('fills every range up to the last one, each flat amount once', () => {
    // 1 000 × 1 % + 9 000 × 2 % + 2 500 × 3 % + 200 + 300 + 400 = 10 + 180 + 75 + 900
    expect(price(lago, '12500')).toBe('1165');
    const { breakdown } = priceGraduatedPercentage(lago, { quantity: d('12500') });
    expect(breakdown.map((line) => line.description)).toEqual([
      'tier 1 (0 to 1000): 1% of 1000 + 200 flat',
      'tier 2 (over 1000 to 10000): 2% of 9000 + 300 flat',
      'tier 3 (over 10000): 3% of 2500 + 400 flat',
    ]);
  });

  it('keeps a value exactly on upTo in that range and moves the next cent on', () => {
    expect(price(lago, '1000')).toBe('210'); // 1 000 × 1 % + 200
    expect(price(lago, '1000.01')).toBe('510.0002'); // + 0.01 × 2 % + 300
  });

  it('owes the first flat amount at zero, and nothing when the first range is {upTo: 0}', () => {
    expect(price(lago, '0')).toBe('200');
    const freeAtZero = rate(range('0', '0'), range(null, '1.5', '25'));
    expect(price(freeAtZero, '0')).toBe('0');
    expect(price(freeAtZero, '100')).toBe('26.5'); // 100 × 1.5 % + 25
  });

  it('keeps every digit of a huge volume at a fractional percentage', () => {
    const fine = rate(range(null, '0.0001'));
    // 123456789012345678.9 × 0.000001
    expect(price(fine, '123456789012345678.9')).toBe('123456789012.3456789');
  });

  it('rejects ranges that do not ascend or do not end unbounded, and negative values', () => {
    expect(() => price(rate(range('10', '1'), range('5', '1'), range(null, '1')), '1')).toThrow(
      InvalidRatingInputError,
    );
    expect(() => price(rate(range('10', '1')), '1')).toThrow(InvalidRatingInputError);
    expect(() => price(lago, '-1')).toThrow(InvalidRatingInputError);
  });
});
