import fc from 'fast-check';
import { Decimal, sumDecimals } from '../common/decimal';
import { Interval } from '../common/period';
import { percentageRate, tier } from '../rating/rating.fixtures';
import { priceRate, Rate } from '../rating/rate';
import { MeteredItem } from './billing-plan';
import { UsageTotals } from '../metering/billing-usage.repository';
import { eventValuesNeeded, MeasuredUsage, usageCharge } from './usage-charges';

const d = (value: string | number) => new Decimal(value);
const march: Interval = {
  start: new Date('2026-03-01T00:00:00Z'),
  end: new Date('2026-04-01T00:00:00Z'),
};
const item: MeteredItem = {
  id: 'item-1',
  key: 'payments',
  name: 'Payments',
  meterId: 'meter-1',
  filter: {},
};

function totals(values: string[]): UsageTotals {
  return {
    quantity: sumDecimals(values.map(d)),
    eventCount: d(values.length),
    totalValue: sumDecimals(values.map(d)),
  };
}

function measured(rate: Rate, values: string[], eventValues: string[] | null): MeasuredUsage {
  return {
    item,
    rate,
    interval: march,
    totals: totals(values),
    eventValues: eventValues && eventValues.map(d),
  };
}

describe('eventValuesNeeded', () => {
  const graduated: Rate = { model: 'graduated', tiers: [tier('10', '1'), tier(null, '0.5')] };

  it('asks nothing beyond the totals for quantity models and plain percentages', () => {
    expect(eventValuesNeeded(graduated, totals(['5', '7']))).toEqual({ kind: 'none' });
    expect(
      eventValuesNeeded(
        percentageRate({ rate: '2', fixedAmount: '0.1', freeAmount: '50' }),
        totals(['5']),
      ),
    ).toEqual({
      kind: 'none',
    });
  });

  it('asks for every value when min or max bound each fee', () => {
    expect(
      eventValuesNeeded(percentageRate({ rate: '2', minPerEvent: '0.5' }), totals(['5'])),
    ).toEqual({ kind: 'all' });
    expect(eventValuesNeeded(percentageRate({ rate: '2', maxPerEvent: '3' }), totals([]))).toEqual({
      kind: 'all',
    });
  });

  it('asks for the first free events only when some, not all, events are free', () => {
    const rate = percentageRate({ rate: '2', freeEvents: '2' });
    expect(eventValuesNeeded(rate, totals(['1', '2', '3']))).toEqual({
      kind: 'first',
      count: d(2),
    });
    expect(eventValuesNeeded(rate, totals(['1', '2']))).toEqual({ kind: 'none' });
    expect(eventValuesNeeded(rate, totals([]))).toEqual({ kind: 'none' });
  });
});

describe('usageCharge', () => {
  it('prices quantity models from the meter quantity, shown as the line quantity', () => {
    const rate: Rate = { model: 'per_unit', unitAmount: d('0.01') };
    const charge = usageCharge(measured(rate, ['100', '50'], null));
    expect(charge).toMatchObject({
      billableItemId: 'item-1',
      description: 'Payments',
      interval: march,
    });
    expect(charge.usage).toEqual({ quantity: d(150) });
    expect(charge.quantity.toFixed()).toBe('150');
  });

  it("shows a percentage line's value as its quantity", () => {
    const rate = percentageRate({ rate: '10' });
    const { quantity } = usageCharge(measured(rate, ['40', '60'], null));
    expect(quantity.toFixed()).toBe('100');
  });

  it('passes every value to a bounded rate, oldest first', () => {
    const rate = percentageRate({ rate: '10', minPerEvent: '1' });
    expect(usageCharge(measured(rate, ['5', '50'], ['5', '50'])).usage).toEqual({
      events: [d(5), d(50)],
    });
  });

  it('refuses to price a rate whose event values were not read', () => {
    const rate = percentageRate({ rate: '10', maxPerEvent: '1' });
    expect(() => usageCharge(measured(rate, ['5'], null))).toThrow(/event values/);
  });

  it('prices from totals and the first free values exactly as from every value', () => {
    const value = fc
      .integer({ min: 0, max: 1_000_000 })
      .map((cents) => d(cents).div(100).toFixed());
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 30 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 500 }),
        (values, freeEvents, freeAmount) => {
          const rate = percentageRate({
            rate: '2.5',
            fixedAmount: '0.30',
            freeEvents: String(freeEvents),
            freeAmount: String(freeAmount),
          });
          const needed = eventValuesNeeded(rate, totals(values));
          const read = needed.kind === 'first' ? values.slice(0, needed.count.toNumber()) : null;
          const fromTotals = priceRate(rate, usageCharge(measured(rate, values, read)).usage);
          const fromEvents = priceRate(rate, { events: values.map(d) });
          expect(fromTotals.amount.toFixed()).toBe(fromEvents.amount.toFixed());
        },
      ),
    );
  });
});
