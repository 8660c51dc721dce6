import { InvalidRatingInputError } from '../invalid-input';
import type { PackageRate } from '../rate-types';
import { d } from '../rating.fixtures';
import { pricePackage } from './package';

const rate = (rounding: 'up' | 'down', packageSize = '100', packageAmount = '5'): PackageRate => ({
  model: 'package',
  packageSize: d(packageSize),
  packageAmount: d(packageAmount),
  rounding,
});

const price = (packageRate: PackageRate, quantity: string) =>
  pricePackage(packageRate, { quantity: d(quantity) }).amount.toFixed();

describe('pricePackage', () => {
  it('counts a partial package as a whole one when rounding up', () => {
    // 250 units = 2 full packages + 50 units → 3 packages × 5
    expect(price(rate('up'), '250')).toBe('15');
    expect(price(rate('up'), '1')).toBe('5');
  });

  it('drops a partial package when rounding down', () => {
    // 250 units → 2 full packages × 5
    expect(price(rate('down'), '250')).toBe('10');
    expect(price(rate('down'), '99')).toBe('0');
  });

  it('charges exactly the packages used when the quantity is on a package boundary', () => {
    expect(price(rate('up'), '300')).toBe('15');
    expect(price(rate('down'), '300')).toBe('15');
    // one unit over: a 4th package only when rounding up
    expect(price(rate('up'), '301')).toBe('20');
    expect(price(rate('down'), '301')).toBe('15');
  });

  it('costs 0 for 0 units', () => {
    expect(price(rate('up'), '0')).toBe('0');
    expect(price(rate('down'), '0')).toBe('0');
  });

  it('handles fractional sizes and quantities', () => {
    // 1.2 GB in packages of 0.5 GB: 2 full + 0.2 GB partial
    expect(price(rate('up', '0.5', '1'), '1.2')).toBe('3');
    expect(price(rate('down', '0.5', '1'), '1.2')).toBe('2');
  });

  it('keeps the partial package of 10^15 units in packages of 3', () => {
    // 10^15 = 3 × 333333333333333 + 1 → 333333333333334 packages up, ...333 down; × 0.000000000001
    expect(price(rate('up', '3', '0.000000000001'), '1e15')).toBe('333.333333333334');
    expect(price(rate('down', '3', '0.000000000001'), '1e15')).toBe('333.333333333333');
  });

  it('keeps a partial package smaller than the 60th significant digit', () => {
    // 10^50 + 10^-12 units: 10^50 full packages of 1 and a partial one of 10^-12
    expect(
      price(
        rate('up', '1', '1'),
        '100000000000000000000000000000000000000000000000000.000000000001',
      ),
    ).toBe('100000000000000000000000000000000000000000000000001');
  });

  it('explains the amount as packages × package amount', () => {
    const [line] = pricePackage(rate('up'), { quantity: d('250') }).breakdown;
    expect(line.description).toBe(
      'packages of 100 units (250 units, partial package counts as one)',
    );
    expect(line.quantity.toFixed()).toBe('3');
    expect(line.unitAmount?.toFixed()).toBe('5');
    expect(line.amount.toFixed()).toBe('15');
  });

  it('rejects a package size of 0 and a negative quantity', () => {
    expect(() => price(rate('up', '0'), '10')).toThrow(InvalidRatingInputError);
    expect(() => price(rate('up'), '-10')).toThrow(InvalidRatingInputError);
  });
});

describe('pricePackage with freeUnits (Lago)', () => {
  const withFree = (freeUnits: string, rounding: 'up' | 'down' = 'up'): PackageRate => ({
    ...rate(rounding),
    freeUnits: d(freeUnits),
  });

  it("prices Lago's example: $5 per 100 units, the first 100 free, 201 units cost $10", () => {
    // 201 − 100 free = 101 units → 2 packages (the partial one counts) × 5
    expect(price(withFree('100'), '201')).toBe('10');
  });

  it('costs nothing when the free units exceed the usage', () => {
    expect(price(withFree('500'), '120')).toBe('0');
    const { breakdown } = pricePackage(withFree('500'), { quantity: d('120') });
    // only the 120 units used are shown as free
    expect(breakdown.map((line) => [line.description, line.quantity.toFixed()])).toEqual([
      ['free units: the first 500', '120'],
      ['packages of 100 units (0 units, partial package counts as one)', '0'],
    ]);
  });

  it('starts the packages after the free units, on and just past a boundary', () => {
    expect(price(withFree('100'), '100')).toBe('0'); // exactly the free units
    expect(price(withFree('100'), '300')).toBe('10'); // 200 charged: 2 packages
    expect(price(withFree('100'), '300.5')).toBe('15'); // 200.5: a third, partial package
    expect(price(withFree('100', 'down'), '300.5')).toBe('10'); // ... free when rounding down
  });

  it('rejects negative free units', () => {
    expect(() => price(withFree('-1'), '10')).toThrow('freeUnits must be a non-negative number');
  });
});
