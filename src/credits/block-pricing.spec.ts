import * as fc from 'fast-check';
import { Decimal } from '../common/decimal';
import { blockPrice } from './block-pricing';

const d = (value: string | number) => new Decimal(value);
// The offer: 1 M tokens for 10, 10 M for 80.
const tiers = [
  { units: d('10000000'), price: d('80') },
  { units: d('1000000'), price: d('10') },
];
const priceOf = (units: string, currency = 'USD') => {
  const priced = blockPrice(tiers, d(units), currency);
  return 'price' in priced ? priced.price.toFixed(2) : priced.problem;
};

describe('blockPrice', () => {
  it('prices below the volume tier at the block price', () => {
    expect(priceOf('1000000')).toBe('10.00');
    // 3 × 10
    expect(priceOf('3000000')).toBe('30.00');
    // 9 × 10: one block short of the volume tier
    expect(priceOf('9000000')).toBe('90.00');
  });

  it('prices every unit at the volume price once the tier is reached', () => {
    expect(priceOf('10000000')).toBe('80.00');
    // 12 M × 80 / 10 M = 96
    expect(priceOf('12000000')).toBe('96.00');
  });

  it('rounds the price once to the minor unit', () => {
    // 6 units at 0.125 per block of 3: 6 / 3 × 0.125 = 0.25, which is 0 yen
    const eighths = [{ units: d('3'), price: d('0.125') }];
    const priced = blockPrice(eighths, d('6'), 'JPY');
    expect('price' in priced && priced.price.toFixed()).toBe('0');
    expect(priceOf('9000000', 'JPY')).toBe('90.00');
  });

  it('refuses a partial block', () => {
    expect(priceOf('500000')).toBe('must be a whole number of blocks of 1000000 units');
  });

  it('never raises the unit price for more units (volume pricing: 9 M cost 90, 10 M only 80)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), (blocks) => {
        const unitPrice = (n: number) => {
          const priced = blockPrice(tiers, d(n).times(1000000), 'USD');
          if (!('price' in priced)) throw new Error(priced.problem);
          return priced.price.div(n);
        };
        expect(unitPrice(blocks + 1).lte(unitPrice(blocks))).toBe(true);
      }),
    );
  });
});
