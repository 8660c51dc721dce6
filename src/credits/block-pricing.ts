/**
 * The price of a purchase of prepaid blocks. Pure.
 *
 * Volume pricing, as Metronome and Orb sell prepaid packs: the largest tier
 * whose block size the purchase reaches sets the unit price of every unit
 * bought (1 M for 10, 10 M for 80: 3 M cost 30, 12 M cost 96), rounded once
 * to the currency's minor unit. A purchase is a whole number of the smallest
 * block, so a partial block is never sold.
 */
import { Decimal } from '../common/decimal';
import { roundToMinorUnit } from '../common/money';
import { BlockTier } from '../catalog/prepaid-block-offer';

export type BlockPrice = { price: Decimal; tier: BlockTier } | { problem: string };

export function blockPrice(
  tiers: readonly BlockTier[],
  units: Decimal,
  currency: string,
): BlockPrice {
  const bySize = [...tiers].sort((a, b) => a.units.comparedTo(b.units));
  const smallest = bySize[0];
  if (!smallest) return { problem: 'has no block offer to price it' };
  if (!units.mod(smallest.units).isZero()) {
    return { problem: `must be a whole number of blocks of ${smallest.units.toFixed()} units` };
  }
  const tier = bySize.filter((candidate) => candidate.units.lte(units)).at(-1) ?? smallest;
  return { price: roundToMinorUnit(units.div(tier.units).times(tier.price), currency), tier };
}
