/**
 * Minimum and maximum spend of one rate per service interval. Pure.
 *
 * OpenMeter prices usage with `minimumAmount` / `maximumAmount` commitments on
 * a usage-based price ("minimum or maximum spend commitments" on the invoice,
 * https://openmeter.io/docs/billing/invoicing), and Lago's spending minimum is
 * "a true-up fee equal to the difference between the commitment and the actual
 * usage ... tied to the initial charge but will appear as a separate line item"
 * (https://getlago.com/docs/guide/plans/charges/spending-minimum). So:
 * - the maximum caps the charge itself: a negative "maximum spend" breakdown
 *   line brings the model's price down to it, whatever made the price (flat
 *   fees included: a maximum below a tier's flat fee still caps it);
 * - the minimum is not folded into the charge: what it adds is returned apart,
 *   so an invoice shows it as its own line. Zero usage owes the whole minimum.
 * - a cut service interval (a subscription starting or ending mid-interval)
 *   owes the minimum prorated by time, as Lago prorates spending minimums; the
 *   maximum is not prorated (it protects the customer, and a shorter interval
 *   can only spend less).
 */
import { Decimal } from '../common/decimal';
import { BreakdownLine, RatingResult, ratingResult } from './breakdown';
import { InvalidRatingInputError, requireNonNegative } from './invalid-input';

export interface SpendBounds {
  /** Owed per service interval even without usage; absent = none. */
  minimumAmount?: Decimal;
  /** The most one service interval's charge can reach; absent = no cap. */
  maximumAmount?: Decimal;
}

export interface BoundedCharge {
  /** The model's price, capped at the maximum. */
  charge: RatingResult;
  /** What the (prorated) minimum adds to the charge; null when there is no minimum or the charge reaches it. */
  minimumSpend: BreakdownLine | null;
}

const ONE = new Decimal(1);

export function boundSpend(
  priced: RatingResult,
  bounds: SpendBounds,
  prorationFactor: Decimal = ONE,
): BoundedCharge {
  const { minimumAmount, maximumAmount } = bounds;
  if (minimumAmount !== undefined) requireNonNegative(minimumAmount, 'minimumAmount');
  if (maximumAmount !== undefined) requireNonNegative(maximumAmount, 'maximumAmount');
  if (
    minimumAmount !== undefined &&
    maximumAmount !== undefined &&
    minimumAmount.gt(maximumAmount)
  ) {
    throw new InvalidRatingInputError('minimumAmount cannot exceed maximumAmount');
  }
  const charge =
    maximumAmount !== undefined && priced.amount.gt(maximumAmount)
      ? ratingResult([
          ...priced.breakdown,
          {
            description: `maximum spend (${maximumAmount.toFixed()}): capped`,
            quantity: priced.amount,
            amount: maximumAmount.minus(priced.amount),
          },
        ])
      : priced;
  if (minimumAmount === undefined) return { charge, minimumSpend: null };
  const minimum = minimumAmount.times(prorationFactor);
  if (!charge.amount.lt(minimum)) return { charge, minimumSpend: null };
  const prorated = prorationFactor.equals(ONE)
    ? ''
    : `, prorated × ${prorationFactor.toSignificantDigits(6).toFixed()}`;
  return {
    charge,
    minimumSpend: {
      description: `minimum spend (${minimumAmount.toFixed()}${prorated}): raised from ${charge.amount.toFixed()}`,
      quantity: charge.amount,
      amount: minimum.minus(charge.amount),
    },
  };
}
