import { Decimal } from '../common/decimal';

// The rate models and the usage each is priced from: the models import these, `rate.ts` dispatches.

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
