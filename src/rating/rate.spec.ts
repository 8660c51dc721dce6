import { InvalidRatingInputError } from './invalid-input';
import { priceRate, Rate } from './rate';
import { d, events, percentageRate, tier } from './rating.fixtures';

describe('priceRate', () => {
  it.each<[string, Rate, string]>([
    // 150 × 0.2
    ['per_unit', { model: 'per_unit', unitAmount: d('0.2') }, '30'],
    // ceil(150 / 100) = 2 packages × 5
    [
      'package',
      { model: 'package', packageSize: d('100'), packageAmount: d('5'), rounding: 'up' },
      '10',
    ],
    // all 150 at the second tier: 150 × 0.8
    ['volume', { model: 'volume', tiers: [tier('100', '1'), tier(null, '0.8')] }, '120'],
    // 100 × 1 + 50 × 0.8
    ['graduated', { model: 'graduated', tiers: [tier('100', '1'), tier(null, '0.8')] }, '140'],
  ])('prices a %s rate from a quantity', (_model, rate, expected) => {
    expect(priceRate(rate, { quantity: d('150') }).amount.toFixed()).toBe(expected);
  });

  it('prices a percentage rate from events and from totals', () => {
    const rate = percentageRate({ rate: '2.5', fixedAmount: '0.1' });
    // 2.5 % × 155.5 + 2 × 0.1
    expect(priceRate(rate, events('120', '35.5')).amount.toFixed()).toBe('4.0875');
    expect(priceRate(rate, { eventCount: d('2'), totalValue: d('155.5') }).amount.toFixed()).toBe(
      '4.0875',
    );
  });

  it('refuses usage of the wrong kind for the model', () => {
    const perUnit: Rate = { model: 'per_unit', unitAmount: d('1') };
    expect(() => priceRate(perUnit, events('1'))).toThrow(InvalidRatingInputError);
    expect(() => priceRate(perUnit, events('1'))).toThrow(
      'a per_unit rate is priced from a quantity, not from events',
    );
    expect(() => priceRate(percentageRate({ rate: '1' }), { quantity: d('1') })).toThrow(
      InvalidRatingInputError,
    );
  });
});
