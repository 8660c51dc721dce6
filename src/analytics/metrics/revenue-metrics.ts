import { Decimal, ZERO } from '../../common/decimal';
import { Month, addMonths, monthRange, monthsBetween } from '../month';

/**
 * The metrics of the contract (API.md, "Revenue analytics") as pure functions
 * over a small in-memory ledger. The service computes the same sums in SQL
 * (analytics.repository.ts); these are the reference the tests check both against,
 * and the finishing steps (ratios, percentages, filling empty offsets) both share.
 */

/** A customer's MRR for a month: recognized revenue, in the reporting currency, never below 0. */
export interface CustomerMonth {
  customerId: string;
  month: Month;
  mrr: Decimal;
}

export interface MovementCounts {
  new: number;
  expanded: number;
  contracted: number;
  churned: number;
  reactivated: number;
  /** Customers with MRR > 0 in the month. */
  active: number;
}

export interface MonthMovements {
  month: Month;
  openingMrr: Decimal;
  new: Decimal;
  expansion: Decimal;
  contraction: Decimal;
  churned: Decimal;
  reactivated: Decimal;
  closingMrr: Decimal;
  customers: MovementCounts;
}

export type MovementKind = 'new' | 'expansion' | 'contraction' | 'churned' | 'reactivated';

/**
 * What moved one customer's MRR from the previous month to this one. Churn rule:
 * MRR > 0 last month and 0 this month is churned this month (a one-month pause
 * counts as a churn and then a reactivation); MRR > 0 after a 0 month is new when
 * the customer never had MRR > 0 before, reactivated otherwise.
 */
export function classifyMovement(
  previous: Decimal,
  current: Decimal,
  hadRevenueBefore: boolean,
): { kind: MovementKind; amount: Decimal } | null {
  if (previous.gt(0) && current.gt(previous))
    return { kind: 'expansion', amount: current.minus(previous) };
  if (current.gt(0) && current.lt(previous))
    return { kind: 'contraction', amount: previous.minus(current) };
  if (previous.gt(0) && current.isZero()) return { kind: 'churned', amount: previous };
  if (previous.isZero() && current.gt(0)) {
    return { kind: hadRevenueBefore ? 'reactivated' : 'new', amount: current };
  }
  return null;
}

const COUNT_OF: Record<MovementKind, keyof MovementCounts> = {
  new: 'new',
  expansion: 'expanded',
  contraction: 'contracted',
  churned: 'churned',
  reactivated: 'reactivated',
};

/** Movements of every month from `from` to `to`, each against the month before it. */
export function mrrMovements(ledger: CustomerMonth[], from: Month, to: Month): MonthMovements[] {
  const byCustomer = groupByCustomer(ledger);
  return monthRange(from, to).map((month) => {
    const result = emptyMovements(month);
    for (const months of byCustomer.values()) {
      const previous = months.get(addMonths(month, -1)) ?? ZERO;
      const current = months.get(month) ?? ZERO;
      result.openingMrr = result.openingMrr.plus(previous);
      result.closingMrr = result.closingMrr.plus(current);
      if (current.gt(0)) result.customers.active += 1;
      const hadRevenueBefore = [...months].some(([m, mrr]) => m < month && mrr.gt(0));
      const movement = classifyMovement(previous, current, hadRevenueBefore);
      if (movement) {
        result[movement.kind] = result[movement.kind].plus(movement.amount);
        result.customers[COUNT_OF[movement.kind]] += 1;
      }
    }
    return result;
  });
}

/** Views of movements: each month's own MRR, or its trailing 3-month average (for spiky usage revenue). */
export const SMOOTHINGS = ['none', 'trailing3'] as const;
export type Smoothing = (typeof SMOOTHINGS)[number];

/**
 * Trailing 3-month average MRR: per customer and month, the mean of that month
 * and the two before (a missing month is 0), rounded half-up once to
 * `minorUnits` so smoothed movements add up to the cent like the others; a
 * month whose average rounds to 0 is left out, as a month without MRR.
 */
export function trailingAverage(ledger: CustomerMonth[], minorUnits: number): CustomerMonth[] {
  const smoothed: CustomerMonth[] = [];
  for (const [customerId, months] of groupByCustomer(ledger)) {
    const reached = new Set(
      [...months.keys()].flatMap((m) => [0, 1, 2].map((k) => addMonths(m, k))),
    );
    for (const month of reached) {
      const sum = [0, 1, 2].reduce(
        (total, k) => total.plus(months.get(addMonths(month, -k)) ?? ZERO),
        ZERO,
      );
      const mrr = sum.div(3).toDecimalPlaces(minorUnits, Decimal.ROUND_HALF_UP);
      if (mrr.gt(0)) smoothed.push({ customerId, month, mrr });
    }
  }
  return smoothed;
}

export function emptyMovements(month: Month): MonthMovements {
  return {
    month,
    openingMrr: ZERO,
    new: ZERO,
    expansion: ZERO,
    contraction: ZERO,
    churned: ZERO,
    reactivated: ZERO,
    closingMrr: ZERO,
    customers: { new: 0, expanded: 0, contracted: 0, churned: 0, reactivated: 0, active: 0 },
  };
}

/** (new + expansion + reactivated) / (contraction + churned); null when nothing was lost. */
export function quickRatio(m: MonthMovements): Decimal | null {
  const lost = m.contraction.plus(m.churned);
  if (lost.isZero()) return null;
  return m.new
    .plus(m.expansion)
    .plus(m.reactivated)
    .div(lost)
    .toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
}

/** A ratio as a percentage rounded half-up to 2 decimals ("104.35"); null without a denominator. */
export function percentage(numerator: Decimal, denominator: Decimal): string | null {
  if (denominator.isZero()) return null;
  return numerator.div(denominator).times(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
}

/** What trailing-12 retention is computed from: base customers have MRR > 0 in `baseMonth`. */
export interface RetentionSums {
  month: Month;
  baseMonth: Month;
  baseCustomers: number;
  /** Base customers with MRR > 0 in `month`. */
  retainedCustomers: number;
  /** Σ MRR(base month), Σ MRR(month) and Σ min(MRR(month), MRR(base month)) over base customers. */
  baseMrr: Decimal;
  currentMrr: Decimal;
  cappedMrr: Decimal;
}

export function retentionSums(ledger: CustomerMonth[], month: Month): RetentionSums {
  const baseMonth = addMonths(month, -12);
  const sums: RetentionSums = {
    month,
    baseMonth,
    baseCustomers: 0,
    retainedCustomers: 0,
    baseMrr: ZERO,
    currentMrr: ZERO,
    cappedMrr: ZERO,
  };
  for (const months of groupByCustomer(ledger).values()) {
    const base = months.get(baseMonth) ?? ZERO;
    if (!base.gt(0)) continue;
    const current = months.get(month) ?? ZERO;
    sums.baseCustomers += 1;
    if (current.gt(0)) sums.retainedCustomers += 1;
    sums.baseMrr = sums.baseMrr.plus(base);
    sums.currentMrr = sums.currentMrr.plus(current);
    sums.cappedMrr = sums.cappedMrr.plus(Decimal.min(current, base));
  }
  return sums;
}

export interface Retention {
  nrr: string | null;
  grr: string | null;
  logoRetention: string | null;
}

export function retentionRates(sums: RetentionSums): Retention {
  return {
    nrr: percentage(sums.currentMrr, sums.baseMrr),
    grr: percentage(sums.cappedMrr, sums.baseMrr),
    logoRetention: percentage(new Decimal(sums.retainedCustomers), new Decimal(sums.baseCustomers)),
  };
}

/** One cohort in one month: its customers with MRR > 0 then, and their MRR. */
export interface CohortCell {
  cohort: Month;
  month: Month;
  activeCustomers: number;
  mrr: Decimal;
}

/** The cohort of a customer is the month of their first MRR > 0; cells of cohorts from `from` to `to`, up to `to`. */
export function cohortCells(ledger: CustomerMonth[], from: Month, to: Month): CohortCell[] {
  const cells = new Map<string, CohortCell>();
  for (const months of groupByCustomer(ledger).values()) {
    const positive = [...months]
      .filter(([m, mrr]) => m <= to && mrr.gt(0))
      .map(([m]) => m)
      .sort();
    const cohort = positive[0];
    if (cohort === undefined || cohort < from) continue;
    for (const [month, mrr] of months) {
      if (month < cohort || month > to) continue;
      const key = `${cohort}/${month}`;
      const cell = cells.get(key) ?? { cohort, month, activeCustomers: 0, mrr: ZERO };
      cell.mrr = cell.mrr.plus(mrr);
      if (mrr.gt(0)) cell.activeCustomers += 1;
      cells.set(key, cell);
    }
  }
  return [...cells.values()];
}

export interface CohortMonth {
  offset: number;
  month: Month;
  revenueRetention: string | null;
  logoRetention: string | null;
  activeCustomers: number;
  mrr: Decimal;
}

export interface Cohort {
  cohort: Month;
  customers: number;
  startingMrr: Decimal;
  months: CohortMonth[];
}

/** The cohort table: every cohort with a cell, offsets 0 .. `to`, months without revenue as 0. */
export function cohortTable(cells: CohortCell[], to: Month): Cohort[] {
  const byCohort = new Map<Month, Map<Month, CohortCell>>();
  for (const cell of cells) {
    const months = byCohort.get(cell.cohort) ?? new Map<Month, CohortCell>();
    months.set(cell.month, cell);
    byCohort.set(cell.cohort, months);
  }
  return [...byCohort.keys()].sort().map((cohort) => {
    const months = byCohort.get(cohort) as Map<Month, CohortCell>;
    const start = months.get(cohort) as CohortCell;
    return {
      cohort,
      customers: start.activeCustomers,
      startingMrr: start.mrr,
      months: Array.from({ length: monthsBetween(cohort, to) + 1 }, (_, offset) => {
        const month = addMonths(cohort, offset);
        const cell = months.get(month);
        const activeCustomers = cell?.activeCustomers ?? 0;
        const mrr = cell?.mrr ?? ZERO;
        return {
          offset,
          month,
          revenueRetention: percentage(mrr, start.mrr),
          logoRetention: percentage(
            new Decimal(activeCustomers),
            new Decimal(start.activeCustomers),
          ),
          activeCustomers,
          mrr,
        };
      }),
    };
  });
}

function groupByCustomer(ledger: CustomerMonth[]): Map<string, Map<Month, Decimal>> {
  const byCustomer = new Map<string, Map<Month, Decimal>>();
  for (const { customerId, month, mrr } of ledger) {
    const months = byCustomer.get(customerId) ?? new Map<Month, Decimal>();
    months.set(month, (months.get(month) ?? ZERO).plus(mrr));
    byCustomer.set(customerId, months);
  }
  return byCustomer;
}
