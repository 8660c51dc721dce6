import { Decimal } from '../common/decimal';
import { fitsLimits, intervalsPerYear, recommendPlan } from './recommendation';

const d = (value: string | number) => new Decimal(value);

describe('recommendation', () => {
  const current = { planKey: 'starter', version: 1, cost: d(90), fits: false };

  it('proposes the cheapest plan that fits, with the annual gain', () => {
    const pro = { planKey: 'pro', version: 2, cost: d(150), fits: true };
    const scale = { planKey: 'scale', version: 1, cost: d(400), fits: true };
    const result = recommendPlan(
      current,
      [current, scale, pro],
      intervalsPerYear({ unit: 'month', count: 1 }),
    );
    expect(result.action).toBe('upgrade');
    expect(result.recommended?.planKey).toBe('pro');
    // (150 − 90) × 12
    expect(result.incrementalAnnualRevenue.toString()).toBe('720');
  });

  it('says the customer is fine when the current plan is the cheapest that fits', () => {
    const fitting = { ...current, fits: true };
    const result = recommendPlan(
      fitting,
      [fitting, { planKey: 'pro', version: 1, cost: d(150), fits: true }],
      d(12),
    );
    expect(result.action).toBe('stay');
    expect(result.incrementalAnnualRevenue.toString()).toBe('0');
  });

  it('checks limits by meter, a meter without a limit being unbounded', () => {
    const projected = new Map([
      ['tokens', d(1200)],
      ['calls', d(5)],
    ]);
    expect(fitsLimits([{ meterKey: 'tokens', quantity: d(1000) }], projected)).toBe(false);
    expect(fitsLimits([{ meterKey: 'tokens', quantity: d(2000) }], projected)).toBe(true);
    expect(intervalsPerYear({ unit: 'quarter', count: 1 }).toString()).toBe('4');
  });
});
