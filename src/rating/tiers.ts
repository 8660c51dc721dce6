/**
 * Tier arithmetic shared by volume and graduated pricing.
 *
 * Ranges: tier n covers the quantities above tier n-1's `upTo` and up to its own
 * `upTo`, inclusive; the first tier starts at 0 inclusive. Quantities can be
 * fractional (0.5 GB), so a tier is the continuous range (1000000, 5000000], not the
 * "1000001–5000000" of integer unit counts.
 *
 * Zero quantity: 0 falls in the first tier, so it costs that tier's flatAmount
 * (0 × unitAmount + flatAmount) and nothing else, in volume and graduated pricing
 * alike. A flat amount on the first tier is how finance writes a base fee ("20.00,
 * first million tokens included"), and billing people expect it on a month without
 * usage: Lago shipped the opposite and changed it as a bug (getlago/lago#648,
 * getlago/lago-api#5760 "apply flat fee even when usage is zero", volume and
 * graduated); OpenMeter always bills the first tier's flat fee (openmeter#2119).
 * The other behaviour stays expressible: a first tier `{upTo: 0}` without a flat
 * amount makes zero usage free and puts the fee on the next tier, reached by any
 * usage above 0.
 */
import { Decimal } from '../common/decimal';
import { BreakdownLine } from './breakdown';
import { InvalidRatingInputError } from './invalid-input';
import type { Tier } from './rate-types';

export interface TierRange {
  tier: Tier;
  /** 1-based, as people count tiers. */
  position: number;
  /** Exclusive lower bound; the first tier's 0 is inclusive. */
  above: Decimal;
  /** Inclusive upper bound; null for the last tier. */
  upTo: Decimal | null;
}

const ZERO = new Decimal(0);

/** The tiers with their bounds; throws unless they are ascending and end with an unbounded tier. */
export function tierRanges(tiers: readonly Tier[]): TierRange[] {
  if (tiers.length === 0) throw new InvalidRatingInputError('tiers must not be empty');
  let above = ZERO;
  return tiers.map((tier, index) => {
    const isLast = index === tiers.length - 1;
    if (isLast !== (tier.upTo === null)) {
      throw new InvalidRatingInputError(
        'only the last tier, and always the last tier, has upTo null',
      );
    }
    if (tier.upTo !== null && (index === 0 ? tier.upTo.lt(0) : tier.upTo.lte(above))) {
      throw new InvalidRatingInputError(
        'tier upTo values must be non-negative and strictly ascending',
      );
    }
    const range = { tier, position: index + 1, above, upTo: tier.upTo };
    if (tier.upTo !== null) above = tier.upTo;
    return range;
  });
}

/** Whether the quantity gets into this tier at all (every quantity, 0 included, reaches the first). */
export function isReached(range: TierRange, quantity: Decimal): boolean {
  return range.position === 1 || quantity.gt(range.above);
}

/** The one tier the whole quantity falls in (volume pricing); a quantity exactly on `upTo` belongs to that tier. */
export function tierContaining(ranges: readonly TierRange[], quantity: Decimal): TierRange {
  const range = ranges.find(({ upTo }) => upTo === null || quantity.lte(upTo));
  // tierRanges guarantees an unbounded last tier, so this never throws for a valid range list.
  if (!range) throw new InvalidRatingInputError('tiers must end with an unbounded tier');
  return range;
}

/** How many of the quantity's units fall inside this tier (graduated pricing). */
export function unitsInTier(range: TierRange, quantity: Decimal): Decimal {
  if (!isReached(range, quantity)) return ZERO;
  const top = range.upTo === null ? quantity : Decimal.min(quantity, range.upTo);
  return top.minus(range.above);
}

/** The tier priced for `units` units: units × unitAmount + flatAmount. */
export function tierLine(range: TierRange, units: Decimal): BreakdownLine {
  const { unitAmount, flatAmount } = range.tier;
  return {
    description: `tier ${range.position} (${describeBounds(range)})`,
    quantity: units,
    unitAmount,
    flatAmount,
    amount: units.times(unitAmount).plus(flatAmount),
  };
}

export function describeBounds({ position, above, upTo }: TierRange): string {
  const from = position === 1 ? '0' : `over ${above.toFixed()}`;
  if (upTo === null) return position === 1 ? 'all units' : from;
  return `${from} to ${upTo.toFixed()}`;
}
