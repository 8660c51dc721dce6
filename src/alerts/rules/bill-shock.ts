import { Decimal } from '../../common/decimal';

/** How many finalized invoices make the usual bill. */
export const USUAL_BILL_INVOICES = 3;

/**
 * The customer's usual bill: the median of their last three finalized invoice
 * totals (a median, so one odd month does not move it); a new customer with
 * none has the plan's fixed fees as the bill they signed up for.
 */
export function usualBill(recentTotals: readonly Decimal[], fixedFees: Decimal): Decimal {
  const totals = [...recentTotals.slice(0, USUAL_BILL_INVOICES)].sort((a, b) => a.comparedTo(b));
  if (totals.length === 0) return fixedFees;
  const middle = Math.floor(totals.length / 2);
  return totals.length % 2 === 1 ? totals[middle] : totals[middle - 1].plus(totals[middle]).div(2);
}

export interface BillShockInput {
  projectedBill: Decimal;
  usualBill: Decimal;
  factor: Decimal;
  minIncrease: Decimal;
}

/** A shock is both relative (≥ factor × usual) and absolute (≥ minIncrease more), so small bills page no one. */
export function isBillShock({
  projectedBill,
  usualBill,
  factor,
  minIncrease,
}: BillShockInput): boolean {
  return (
    projectedBill.gte(usualBill.times(factor)) && projectedBill.minus(usualBill).gte(minIncrease)
  );
}
