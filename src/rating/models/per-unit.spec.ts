import { InvalidRatingInputError } from '../invalid-input';
import type { PerUnitRate } from '../rate-types';
import { d } from '../rating.fixtures';
import { pricePerUnit } from './per-unit';

const rate = (unitAmount: string): PerUnitRate => ({
  model: 'per_unit',
  unitAmount: d(unitAmount),
});

describe('pricePerUnit', () => {
  it('multiplies the quantity by the unit amount', () => {
    // 1000 × 0.002
    expect(pricePerUnit(rate('0.002'), { quantity: d('1000') }).amount.toFixed()).toBe('2');
  });

  it('prices fractional units exactly', () => {
    // 0.5 GB × 0.023 = 0.0115, not rounded
    expect(pricePerUnit(rate('0.023'), { quantity: d('0.5') }).amount.toFixed()).toBe('0.0115');
  });

  it('costs 0 for 0 units', () => {
    expect(pricePerUnit(rate('0.023'), { quantity: d('0') }).amount.toFixed()).toBe('0');
  });

  it('keeps every digit of 10^15 units at a 12-decimal unit price', () => {
    // 999999999999999 × 0.123456789012 = 123456789012000 − 0.123456789012
    const result = pricePerUnit(rate('0.123456789012'), { quantity: d('999999999999999') });
    expect(result.amount.toFixed()).toBe('123456789011999.876543210988');
    expect(pricePerUnit(rate('0.123456789012'), { quantity: d('1e15') }).amount.toFixed()).toBe(
      '123456789012000',
    );
  });

  it('explains the amount in one line', () => {
    const [line] = pricePerUnit(rate('0.002'), { quantity: d('1000') }).breakdown;
    expect(line.description).toBe('per unit');
    expect(line.quantity.toFixed()).toBe('1000');
    expect(line.unitAmount?.toFixed()).toBe('0.002');
    expect(line.amount.toFixed()).toBe('2');
  });

  it('rejects a negative quantity', () => {
    expect(() => pricePerUnit(rate('1'), { quantity: d('-1') })).toThrow(InvalidRatingInputError);
    expect(() => pricePerUnit(rate('1'), { quantity: d('-1') })).toThrow(
      'quantity must be a non-negative number, got -1',
    );
  });
});
