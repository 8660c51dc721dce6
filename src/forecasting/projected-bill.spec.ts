import { priceRate, Rate } from '../rating/rate';
import { d } from './forecast.fixtures';
import { projectBill } from './projected-bill';
import type { Decimal } from '../common/decimal';

const priceWith = (rate: Rate) => (quantity: Decimal) => priceRate(rate, { quantity }).amount;
const tier = (upTo: string | null, unitAmount: string) => ({
  upTo: upTo === null ? null : d(upTo),
  unitAmount: d(unitAmount),
  flatAmount: d(0),
});

describe('projectBill', () => {
  it('prices the projected quantity and its band', () => {
    const perUnit = priceWith({ model: 'per_unit', unitAmount: d('0.01') });
    const bill = projectBill({ expected: d(2900), low: d(2800), high: d(3000) }, perUnit);
    expect(bill).toEqual({ expected: d(29), low: d(28), high: d(30) });
  });

  it('spans all three prices when the price is not monotonic (volume tiers)', () => {
    // Up to 1 000 at 1, all units at 0.5 above: 900 → 900, 1 100 → 550, 1 300 → 650.
    const volume = priceWith({ model: 'volume', tiers: [tier('1000', '1'), tier(null, '0.5')] });
    const bill = projectBill({ expected: d(1100), low: d(900), high: d(1300) }, volume);
    expect(bill).toEqual({ expected: d(550), low: d(550), high: d(900) });
  });
});
