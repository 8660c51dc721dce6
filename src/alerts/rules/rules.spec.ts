import { Decimal } from '../../common/decimal';
import { isBillShock, usualBill } from './bill-shock';
import { creditLevelsReached } from './credit-balance-low';
import { spendReached } from './spend-threshold';
import { isUsageSpike } from './usage-spike';
import { levelsReached } from './usage-threshold';

const d = (value: string | number) => new Decimal(value);
const LEVELS = [d(80), d(100)];

describe('usage threshold', () => {
  it('fires nothing below 80 %, 80 at 80 %, both in one jump past 100 %', () => {
    expect(levelsReached(d('799.99'), d(1000), LEVELS)).toEqual([]);
    expect(levelsReached(d(800), d(1000), LEVELS).map(String)).toEqual(['80']);
    expect(levelsReached(d(1200), d(1000), LEVELS).map(String)).toEqual(['80', '100']);
  });
});

describe('spend threshold', () => {
  it('fires at the amount', () => {
    expect(spendReached(d('99.99'), d(100))).toBe(false);
    expect(spendReached(d(100), d(100))).toBe(true);
  });
});

describe('bill shock', () => {
  it('takes the median of the last three invoices, or the fixed fees for a new customer', () => {
    expect(usualBill([d(100), d(300), d(120)], d(49)).toString()).toBe('120');
    expect(usualBill([d(100), d(300)], d(49)).toString()).toBe('200');
    expect(usualBill([], d(49)).toString()).toBe('49');
  });

  it('needs both the factor and the minimum increase', () => {
    const rule = { factor: d('1.5'), minIncrease: d(100) };
    expect(isBillShock({ ...rule, projectedBill: d(300), usualBill: d(120) })).toBe(true);
    // 1.5 × 120 = 180 reached, but only 70 more.
    expect(isBillShock({ ...rule, projectedBill: d(190), usualBill: d(120) })).toBe(false);
    // 150 more, but under 1.5 × 400 = 600.
    expect(isBillShock({ ...rule, projectedBill: d(550), usualBill: d(400) })).toBe(false);
  });
});

describe('usage spike', () => {
  const week = Array.from({ length: 7 }, () => d(100));

  it('fires at multiplier × the trailing mean, not below, not without a week', () => {
    expect(isUsageSpike(d(300), week, d(3))).toBe(true);
    expect(isUsageSpike(d('299.99'), week, d(3))).toBe(false);
    expect(isUsageSpike(d(1000), week.slice(1), d(3))).toBe(false);
    expect(
      isUsageSpike(
        d(1000),
        week.map(() => d(0)),
        d(3),
      ),
    ).toBe(false);
  });
});

describe('credit balance low', () => {
  const rule = { grantedThisInterval: d(100), percent: d(20) };

  it('is low under the percent of the interval’s grant, not at it', () => {
    expect(creditLevelsReached({ ...rule, balance: d(20), projectedFurtherCharges: d(0) })).toEqual(
      [],
    );
    expect(
      creditLevelsReached({ ...rule, balance: d('19.99'), projectedFurtherCharges: d(0) }),
    ).toEqual(['low']);
  });

  it('runs out when the projected further charges exceed the balance', () => {
    expect(
      creditLevelsReached({ ...rule, balance: d(40), projectedFurtherCharges: d(40) }),
    ).toEqual([]);
    expect(
      creditLevelsReached({ ...rule, balance: d(40), projectedFurtherCharges: d('40.01') }),
    ).toEqual(['runs_out']);
    expect(creditLevelsReached({ ...rule, balance: d(5), projectedFurtherCharges: d(50) })).toEqual(
      ['low', 'runs_out'],
    );
  });

  it('warns no one without credit: no grant and nothing left', () => {
    const none = { grantedThisInterval: d(0), percent: d(20), balance: d(0) };
    expect(creditLevelsReached({ ...none, projectedFurtherCharges: d(500) })).toEqual([]);
    // A top-up without a plan grant can still run out.
    expect(
      creditLevelsReached({ ...none, balance: d(30), projectedFurtherCharges: d(50) }),
    ).toEqual(['runs_out']);
  });
});
