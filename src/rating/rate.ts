import { Decimal } from '../common/decimal';
import { RatingResult, ratingResult } from './breakdown';
import { InvalidRatingInputError } from './invalid-input';
import { priceGraduated } from './models/graduated';
import { priceGraduatedPercentage } from './models/graduated-percentage';
import { pricePackage } from './models/package';
import { pricePercentage } from './models/percentage';
import { pricePerUnit } from './models/per-unit';
import { priceVolume } from './models/volume';
import type { PercentageUsage, QuantityUsage, Rate, Usage } from './rate-types';
import { BoundedCharge, boundSpend } from './spend-bounds';

export type {
  Tier,
  PerUnitRate,
  PackageRate,
  VolumeRate,
  GraduatedRate,
  PercentageTier,
  GraduatedPercentageRate,
  PercentageRate,
  Rate,
  RateModel,
  QuantityUsage,
  EventValuesUsage,
  EventTotalsUsage,
  PercentageUsage,
  Usage,
} from './rate-types';

/**
 * The exact, unrounded price of one rate for one service interval's usage, with
 * its breakdown: the model's price within the rate's spend bounds, the minimum
 * spend (if any) as the last breakdown line.
 */
export function priceRate(rate: Rate, usage: Usage): RatingResult {
  const { charge, minimumSpend } = rateCharge(rate, usage);
  return minimumSpend ? ratingResult([...charge.breakdown, minimumSpend]) : charge;
}

/**
 * The same price in the two parts an invoice shows: the usage charge (capped at
 * the maximum) and what the minimum adds, with the minimum prorated by
 * `prorationFactor` for a cut service interval (spend-bounds.ts).
 */
export function rateCharge(rate: Rate, usage: Usage, prorationFactor?: Decimal): BoundedCharge {
  return boundSpend(priceModel(rate, usage), rate, prorationFactor);
}

function priceModel(rate: Rate, usage: Usage): RatingResult {
  switch (rate.model) {
    case 'per_unit':
      return pricePerUnit(rate, quantityUsage(rate, usage));
    case 'package':
      return pricePackage(rate, quantityUsage(rate, usage));
    case 'volume':
      return priceVolume(rate, quantityUsage(rate, usage));
    case 'graduated':
      return priceGraduated(rate, quantityUsage(rate, usage));
    case 'graduated_percentage':
      return priceGraduatedPercentage(rate, quantityUsage(rate, usage));
    case 'percentage':
      return pricePercentage(rate, percentageUsage(usage));
    default:
      return unknownModel(rate);
  }
}

function quantityUsage(rate: Rate, usage: Usage): QuantityUsage {
  if ('quantity' in usage) return usage;
  throw new InvalidRatingInputError(
    `a ${rate.model} rate is priced from a quantity, not from events`,
  );
}

function percentageUsage(usage: Usage): PercentageUsage {
  if ('quantity' in usage) {
    throw new InvalidRatingInputError(
      'a percentage rate is priced from events (their values), not from a quantity',
    );
  }
  return usage;
}

// Reached only if a model is added to `Rate` but not to the switch, which the `never` parameter makes a compile error.
function unknownModel(rate: never): never {
  throw new Error(`no pricing for rate model ${JSON.stringify(rate)}`);
}
