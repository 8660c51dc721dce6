import { priceItems } from './quote';
import { d, events, percentageRate, tier } from './rating.fixtures';

describe('priceItems', () => {
  it('prices the API example: exact amounts, amounts rounded to cents, total of the rounded amounts', () => {
    const quote = priceItems('USD', [
      {
        rate: { model: 'volume', tiers: [tier('100', '1'), tier(null, '0.8')] },
        usage: { quantity: d('150') },
      },
      {
        rate: percentageRate({ rate: '2.5', fixedAmount: '0.1' }),
        usage: events('120.00', '35.50'),
      },
    ]);
    expect(quote.currency).toBe('USD');
    expect(quote.items.map((item) => [item.exactAmount.toFixed(), item.amount.toFixed(2)])).toEqual(
      [
        ['120', '120.00'], // 150 × 0.8
        ['4.0875', '4.09'], // 2.5 % × 155.5 + 2 × 0.1, half-up to cents
      ],
    );
    expect(quote.total.toFixed(2)).toBe('124.09');
    expect(quote.items[0].breakdown[0].description).toBe('tier 2 (over 100)');
  });

  it('totals the rounded amounts, not the exact ones, so the lines add up for the customer', () => {
    const halfCent = {
      rate: { model: 'per_unit' as const, unitAmount: d('0.005') },
      usage: { quantity: d('1') },
    };
    const quote = priceItems('USD', [halfCent, halfCent]);
    // each 0.005 rounds half-up to 0.01; the exact sum 0.01 would not match 0.01 + 0.01
    expect(quote.items.map((item) => item.amount.toFixed(2))).toEqual(['0.01', '0.01']);
    expect(quote.total.toFixed(2)).toBe('0.02');
  });

  it("rounds to the currency's minor unit", () => {
    const item = {
      rate: { model: 'per_unit' as const, unitAmount: d('33.335') },
      usage: { quantity: d('3') },
    };
    // 3 × 33.335 = 100.005: JPY has no decimals, KWD has 3
    expect(priceItems('JPY', [item]).total.toFixed()).toBe('100');
    expect(priceItems('KWD', [item]).total.toFixed()).toBe('100.005');
    expect(priceItems('USD', [item]).total.toFixed()).toBe('100.01');
  });

  it('totals 0 for no items', () => {
    expect(priceItems('EUR', []).total.toFixed()).toBe('0');
  });
});
