import { Decimal } from '../common/decimal';
import { RatingResult, ratingResult } from './breakdown';
import { InvalidRatingInputError } from './invalid-input';
import { priceGraduated } from './models/graduated';
import { priceGraduatedPercentage } from './models/graduated-percentage';
import { pricePackage } from './models/package';
import { pricePercentage } from './models/percentage';
import { pricePerUnit } from './models/per-unit';
import { priceVolume } from './models/volume';
import { BoundedCharge, boundSpend, SpendBounds } from './spend-bounds';

/** `upTo` is inclusive; tiers are ascending and the last one has `upTo: null` (no bound). */
export interface Tier {
  upTo: Decimal | null;
  unitAmount: Decimal;
  flatAmount: Decimal;
}

export interface PerUnitRate extends SpendBounds {
  model: 'per_unit';
  unitAmount: Decimal;
}

export interface PackageRate extends SpendBounds {
  model: 'package';
  packageSize: Decimal;
  packageAmount: Decimal;
  /** What a partial package costs: a whole package (`up`) or nothing (`down`). */
  rounding: 'up' | 'down';
  /** Units free each service interval before packages are counted (Lago's `free_units`); absent = 0. */
  freeUnits?: Decimal;
}

export interface VolumeRate extends SpendBounds {
  model: 'volume';
  tiers: Tier[];
}

export interface GraduatedRate extends SpendBounds {
  model: 'graduated';
  tiers: Tier[];
}

/** A range of the aggregated value: `rate` percent of the value inside it, plus `flatAmount` once reached. */
export interface PercentageTier {
  upTo: Decimal | null;
  /** Percent: "2.5" means 2.5 %. */
  rate: Decimal;
  flatAmount: Decimal;
}

export interface GraduatedPercentageRate extends SpendBounds {
  model: 'graduated_percentage';
  tiers: PercentageTier[];
}

export interface PercentageRate extends SpendBounds {
  model: 'percentage';
  /** Percent of each event's value: "2.5" means 2.5 %. */
  rate: Decimal;
  /** Fee per paid event. */
  fixedAmount: Decimal;
  freeEvents: Decimal;
  freeAmount: Decimal;
  minPerEvent: Decimal | null;
  maxPerEvent: Decimal | null;
}

export type Rate =
  PerUnitRate | PackageRate | VolumeRate | GraduatedRate | GraduatedPercentageRate | PercentageRate;
export type RateModel = Rate['model'];

/** Usage of the quantity models (all but percentage): the period's aggregated quantity (or value). */
export interface QuantityUsage {
  quantity: Decimal;
}

/** Usage of a percentage rate: each event's value (a transaction amount), oldest first. Always enough. */
export interface EventValuesUsage {
  events: readonly Decimal[];
}

/**
 * Usage of a percentage rate from period aggregates, so an invoice over millions of
 * events needs no event rows. Only for rates without minPerEvent/maxPerEvent (those
 * bound each event's fee, so each value is needed).
 */
export interface EventTotalsUsage {
  eventCount: Decimal;
  totalValue: Decimal;
  /**
   * The summed value of the first min(freeEvents, eventCount) events, oldest first
   * (one `ORDER BY timestamp LIMIT freeEvents` query). Required only when
   * 0 < freeEvents < eventCount: free events are free of the percentage too, so
   * which value they carry matters.
   */
  freeEventsValue?: Decimal;
}

export type PercentageUsage = EventValuesUsage | EventTotalsUsage;
export type Usage = QuantityUsage | PercentageUsage;

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
