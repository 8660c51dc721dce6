/**
 * Graduated percentage, as Lago defines it: the aggregated value (a payment
 * volume) "fills tier 1 up to its to_value, then tier 2, and so on. Each tier's
 * rate applies to the monetary amount within that tier. A tier's flat_amount is
 * a flat fee applied once for the whole tier, not per transaction"
 * (https://getlago.com/docs/v2/guide/rate-cards/pricing-models/graduated-percentage;
 * worked example: tiers 0–1 000 at 1 % + 200, 1 000–10 000 at 2 % + 300 price
 * 1 050 as 1 000 × 1 % + 50 × 2 % + 200 + 300 = 511).
 *
 * Ranges follow tiers.ts (upTo inclusive, fractional values, zero reaches the
 * first tier and so owes its flat amount; a first tier {upTo: 0} makes zero free),
 * as for graduated pricing; one breakdown line per tier reached.
 */
import { RatingResult, ratingResult } from '../breakdown';
import { requireNonNegative } from '../invalid-input';
import type { GraduatedPercentageRate, QuantityUsage } from '../rate-types';
import { describeBounds, isReached, tierRanges, unitsInTier } from '../tiers';

export function priceGraduatedPercentage(
  rate: GraduatedPercentageRate,
  { quantity }: QuantityUsage,
): RatingResult {
  requireNonNegative(quantity, 'quantity');
  rate.tiers.forEach((tier, index) => requireNonNegative(tier.rate, `tiers[${index}].rate`));
  // As unit prices, the tiers are graduated tiers: the share of a unit of value is rate / 100.
  const ranges = tierRanges(
    rate.tiers.map(({ upTo, rate: percent, flatAmount }) => ({
      upTo,
      unitAmount: percent.div(100),
      flatAmount,
    })),
  );
  return ratingResult(
    ranges
      .filter((range) => isReached(range, quantity))
      .map((range) => {
        const value = unitsInTier(range, quantity);
        const { unitAmount, flatAmount } = range.tier;
        const percent = rate.tiers[range.position - 1].rate;
        return {
          description: `tier ${range.position} (${describeBounds(range)}): ${percent.toFixed()}% of ${value.toFixed()}${flatAmount.isZero() ? '' : ` + ${flatAmount.toFixed()} flat`}`,
          quantity: value,
          unitAmount,
          flatAmount,
          amount: value.times(unitAmount).plus(flatAmount),
        };
      }),
  );
}
