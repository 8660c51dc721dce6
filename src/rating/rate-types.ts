import { Decimal } from '../common/decimal';
import type { SpendBounds } from './spend-bounds';

// The rate models and the usage each is priced from: the models import these, `rate.ts` dispatches.

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
  | PerUnitRate
  | PackageRate
  | VolumeRate
  | GraduatedRate
  | GraduatedPercentageRate
  | PercentageRate;
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
