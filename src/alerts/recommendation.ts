/**
 * What sales should propose to a customer nearing a limit: the cheapest live
 * plan version (same currency) whose limits hold the projected usage, priced
 * for that usage, against what the customer's current plan would cost. Pure:
 * the caller prices each candidate with the rating engine.
 */
import { Decimal } from '../common/decimal';
import { Cadence, CalendarUnit } from '../common/period';

export interface PricedCandidate {
  planKey: string;
  version: number;
  /** One service interval at the projected usage: rates + licence fees − plan credits. */
  cost: Decimal;
  /** Every limit of the version is at least the projected quantity of its meter. */
  fits: boolean;
}

export type RecommendedAction = 'upgrade' | 'stay';

export interface Recommendation {
  action: RecommendedAction;
  current: PricedCandidate;
  /** The cheapest candidate that fits; null when none does. */
  recommended: PricedCandidate | null;
  /** (recommended − current) × intervals per year when positive, else 0. */
  incrementalAnnualRevenue: Decimal;
}

// Exact for calendar units; a year of days or weeks is the usual 365 or 52.
const PER_YEAR: Readonly<Record<CalendarUnit, number>> = {
  hour: 8760,
  day: 365,
  week: 52,
  month: 12,
  quarter: 4,
  year: 1,
};

export function intervalsPerYear(interval: Cadence): Decimal {
  return new Decimal(PER_YEAR[interval.unit]).div(interval.count);
}

/** Whether limits (by meter key) hold the projected quantities; a meter without a limit is unbounded. */
export function fitsLimits(
  limits: ReadonlyArray<{ meterKey: string; quantity: Decimal }>,
  projected: ReadonlyMap<string, Decimal>,
): boolean {
  return limits.every(({ meterKey, quantity }) =>
    (projected.get(meterKey) ?? new Decimal(0)).lte(quantity),
  );
}

export function recommendPlan(
  current: PricedCandidate,
  candidates: readonly PricedCandidate[],
  perYear: Decimal,
): Recommendation {
  const fitting = candidates
    .filter((candidate) => candidate.fits)
    .sort((a, b) => a.cost.comparedTo(b.cost) || a.planKey.localeCompare(b.planKey));
  const recommended = fitting[0] ?? null;
  const gain = recommended ? recommended.cost.minus(current.cost).times(perYear) : null;
  const isOtherPlan =
    recommended !== null &&
    (recommended.planKey !== current.planKey || recommended.version !== current.version);
  if (gain !== null && isOtherPlan && gain.gt(0)) {
    return { action: 'upgrade', current, recommended, incrementalAnnualRevenue: gain };
  }
  return { action: 'stay', current, recommended, incrementalAnnualRevenue: new Decimal(0) };
}
