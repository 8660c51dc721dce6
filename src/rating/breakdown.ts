import { Decimal, sumDecimals } from '../common/decimal';

/**
 * One piece of an amount: a tier, the packages, a fee or an adjustment. Priced
 * pieces satisfy quantity × unitAmount + flatAmount = amount; free pieces and
 * min/max adjustments carry only a quantity (events, units or value) and an amount.
 */
export interface BreakdownLine {
  description: string;
  quantity: Decimal;
  unitAmount?: Decimal;
  flatAmount?: Decimal;
  /** Exact, never rounded. */
  amount: Decimal;
}

export interface RatingResult {
  /** Exact, never rounded: the sum of the breakdown amounts. */
  amount: Decimal;
  breakdown: BreakdownLine[];
}

/** The amount is derived from the lines, so the breakdown always adds up to it exactly. */
export function ratingResult(breakdown: BreakdownLine[]): RatingResult {
  return { amount: sumDecimals(breakdown.map((line) => line.amount)), breakdown };
}
