import { RatingResult, ratingResult } from '../breakdown';
import { requireNonNegative } from '../invalid-input';
import type { GraduatedRate, QuantityUsage } from '../rate-types';
import { isReached, tierLine, tierRanges, unitsInTier } from '../tiers';

/**
 * Each tier prices the units inside it, plus its flatAmount once reached; one
 * breakdown line per tier reached. Zero reaches only the first tier (see tiers.ts).
 */
export function priceGraduated(rate: GraduatedRate, { quantity }: QuantityUsage): RatingResult {
  requireNonNegative(quantity, 'quantity');
  const reached = tierRanges(rate.tiers).filter((range) => isReached(range, quantity));
  return ratingResult(reached.map((range) => tierLine(range, unitsInTier(range, quantity))));
}
