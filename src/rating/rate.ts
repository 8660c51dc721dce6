import { Decimal } from '../common/decimal';
import { RatingResult } from './breakdown';
import { InvalidRatingInputError } from './invalid-input';
import { priceGraduated } from './models/graduated';
import { pricePackage } from './models/package';
import { pricePercentage } from './models/percentage';
import { pricePerUnit } from './models/per-unit';
import { priceVolume } from './models/volume';

/** `upTo` is inclusive; tiers are ascending and the last one has `upTo: null` (no bound). */
export interface Tier {
  upTo: Decimal | null;
  unitAmount: Decimal;
  flatAmount: Decimal;
}

export interface PerUnitRate {
  model: 'per_unit';
  unitAmount: Decimal;
}

export interface PackageRate {
  model: 'package';
  packageSize: Decimal;
  packageAmount: Decimal;
  /** What a partial package costs: a whole package (`up`) or nothing (`down`). */
  rounding: 'up' | 'down';
}

export interface VolumeRate {
  model: 'volume';
  tiers: Tier[];
}

export interface GraduatedRate {
  model: 'graduated';
  tiers: Tier[];
}

export interface PercentageRate {
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

export type Rate = PerUnitRate | PackageRate | VolumeRate | GraduatedRate | PercentageRate;
export type RateModel = Rate['model'];

/** Usage of the quantity models (per_unit, package, volume, graduated): the period's aggregated quantity. */
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

/** The exact, unrounded price of one rate for one period's usage, with its breakdown. */
export function priceRate(rate: Rate, usage: Usage): RatingResult {
  switch (rate.model) {
    case 'per_unit':
      return pricePerUnit(rate, quantityUsage(rate, usage));
    case 'package':
      return pricePackage(rate, quantityUsage(rate, usage));
    case 'volume':
      return priceVolume(rate, quantityUsage(rate, usage));
    case 'graduated':
      return priceGraduated(rate, quantityUsage(rate, usage));
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
