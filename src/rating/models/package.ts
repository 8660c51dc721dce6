import { Decimal, ZERO } from '../../common/decimal';
import { BreakdownLine, RatingResult, ratingResult } from '../breakdown';
import { InvalidRatingInputError, requireNonNegative } from '../invalid-input';
import type { PackageRate, QuantityUsage } from '../rate-types';

/**
 * packages × packageAmount, a partial package counting as one (`up`) or as none
 * (`down`). With `freeUnits`, as Lago's package model: "Lago subtracts
 * free_units from the measured quantity, then rounds the remaining quantity up
 * to whole packages ... If the quantity does not exceed the free units, the fee
 * is zero" (https://getlago.com/docs/v2/guide/rate-cards/pricing-models/package;
 * $5 per 100 units with 100 free: 201 units cost $10).
 */
export function pricePackage(rate: PackageRate, { quantity }: QuantityUsage): RatingResult {
  requireNonNegative(quantity, 'quantity');
  if (!rate.packageSize.gt(0)) {
    throw new InvalidRatingInputError('packageSize must be greater than 0');
  }
  const freeUnits = rate.freeUnits ?? ZERO;
  requireNonNegative(freeUnits, 'freeUnits');
  const free = Decimal.min(freeUnits, quantity);
  // Left as it is without free units: minus() rounds to 60 significant digits.
  const charged = free.isZero() ? quantity : quantity.minus(free);
  const packages = packageCount(charged, rate.packageSize, rate.rounding);
  const partial =
    rate.rounding === 'up' ? 'partial package counts as one' : 'partial package is free';
  const freeLines: BreakdownLine[] = freeUnits.gt(0)
    ? [
        {
          description: `free units: the first ${freeUnits.toFixed()}`,
          quantity: free,
          amount: ZERO,
        },
      ]
    : [];
  return ratingResult([
    ...freeLines,
    {
      description: `packages of ${rate.packageSize.toFixed()} units (${charged.toFixed()} units, ${partial})`,
      quantity: packages,
      unitAmount: rate.packageAmount,
      amount: packages.times(rate.packageAmount),
    },
  ]);
}

/**
 * Whole packages from the exact remainder, not ceil/floor of the quotient: the
 * quotient keeps 60 significant digits, so with a huge package count a small
 * partial package could be rounded away before ceil sees it.
 */
function packageCount(
  quantity: Decimal,
  size: Decimal,
  rounding: PackageRate['rounding'],
): Decimal {
  const remainder = quantity.mod(size);
  const wholePackages = quantity.minus(remainder).div(size);
  return rounding === 'up' && !remainder.isZero() ? wholePackages.plus(1) : wholePackages;
}
