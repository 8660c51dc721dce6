import { Decimal } from '../../common/decimal';
import { RatingResult, ratingResult } from '../breakdown';
import { InvalidRatingInputError, requireNonNegative } from '../invalid-input';
import type { PackageRate, QuantityUsage } from '../rate-types';

/** packages × packageAmount, a partial package counting as one (`up`) or as none (`down`). */
export function pricePackage(rate: PackageRate, { quantity }: QuantityUsage): RatingResult {
  requireNonNegative(quantity, 'quantity');
  if (!rate.packageSize.gt(0)) {
    throw new InvalidRatingInputError('packageSize must be greater than 0');
  }
  const packages = packageCount(quantity, rate.packageSize, rate.rounding);
  const partial =
    rate.rounding === 'up' ? 'partial package counts as one' : 'partial package is free';
  return ratingResult([
    {
      description: `packages of ${rate.packageSize.toFixed()} units (${quantity.toFixed()} units, ${partial})`,
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
