import { RatingResult, ratingResult } from '../breakdown';
import { requireNonNegative } from '../invalid-input';
import type { PerUnitRate, QuantityUsage } from '../rate-types';

/** quantity × unitAmount. */
export function pricePerUnit(rate: PerUnitRate, { quantity }: QuantityUsage): RatingResult {
  requireNonNegative(quantity, 'quantity');
  return ratingResult([
    {
      description: 'per unit',
      quantity,
      unitAmount: rate.unitAmount,
      amount: quantity.times(rate.unitAmount),
    },
  ]);
}
