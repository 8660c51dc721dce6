import { RatingResult, ratingResult } from '../breakdown';
import { requireNonNegative } from '../invalid-input';
import type { QuantityUsage, VolumeRate } from '../rate-types';
import { tierContaining, tierLine, tierRanges } from '../tiers';

/**
 * The whole quantity at the one tier it falls in: quantity × unitAmount + flatAmount.
 * Zero falls in the first tier (see tiers.ts).
 */
export function priceVolume(rate: VolumeRate, { quantity }: QuantityUsage): RatingResult {
  requireNonNegative(quantity, 'quantity');
  const range = tierContaining(tierRanges(rate.tiers), quantity);
  return ratingResult([tierLine(range, quantity)]);
}
