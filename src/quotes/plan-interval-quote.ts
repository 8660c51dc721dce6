/**
 * One service interval of a plan version, priced exactly as an invoice prices
 * it (calculateInvoice: each line rounded half-up to the currency's minor unit,
 * credits taken from the rounded lines, totals summed from rounded figures),
 * for a prospect: no customer, so no tax and no proration. Pure.
 *
 * Licence fees count once (the interval's fee, billed in advance); each credit
 * grant is one lot valid for the interval (grants reset every interval, so
 * expiry and carried-over balances play no part in one interval). A commitment
 * per service interval applies to the interval (its true-up, or its prepayment
 * and the credit it gives); one per billing period spans several intervals, so
 * a one-interval quote leaves it out.
 */
import { Decimal, ZERO } from '../common/decimal';
import { Interval } from '../common/period';
import { PlanCommitment } from '../catalog/plan-commitment';
import { PlanCreditGrant } from '../catalog/plan-version.repository';
import { committedAmount } from '../invoicing/commitment-lines';
import { calculateInvoice, InvoiceDraft } from '../invoicing/invoice-calculator';
import { RatedUsage } from './usage-profile';

export interface PlanIntervalInput {
  currency: string;
  /** The interval the lines are dated in; only the credit lots' validity reads it. */
  interval: Interval;
  rated: readonly RatedUsage[];
  licences: ReadonlyArray<{ billableItemKey: string; unitAmount: Decimal; quantity: Decimal }>;
  creditGrants: ReadonlyArray<Omit<PlanCreditGrant, 'currencyOptions'>>;
  commitment: PlanCommitment | null;
  /** Line descriptions: billable item names by key (the key when absent). */
  itemNames: ReadonlyMap<string, string>;
}

/**
 * The draft's lines name their items by key: the quote passes billable item
 * keys as the calculator's opaque item ids (nothing is stored).
 */
export function quotePlanInterval(input: PlanIntervalInput): InvoiceDraft {
  const name = (key: string) => input.itemNames.get(key) ?? key;
  const licenceInterval = { ...input.interval, prorationFactor: new Decimal(1) };
  const commitment =
    input.commitment?.interval === 'service_interval'
      ? { commitment: input.commitment, windows: [licenceInterval] }
      : null;
  const prepaidLots = commitment?.commitment.prepaid
    ? [
        {
          id: 'prepaid-commitment',
          name: 'Prepaid commitment',
          remaining: committedAmount(commitment.commitment, licenceInterval, input.currency),
          appliesTo: new Set(input.rated.map((rated) => rated.billableItemKey)),
          validFrom: input.interval.start,
          expiresAt: null,
        },
      ]
    : [];
  return calculateInvoice({
    currency: input.currency,
    taxRate: ZERO,
    usageCharges: input.rated.map(({ billableItemKey, rate, usage, quantity }) => ({
      billableItemId: billableItemKey,
      description: name(billableItemKey),
      interval: input.interval,
      rate,
      usage,
      quantity,
    })),
    licenceCharges: input.licences.map(({ billableItemKey, unitAmount, quantity }) => ({
      billableItemId: billableItemKey,
      description: name(billableItemKey),
      interval: licenceInterval,
      unitAmount,
      quantity,
    })),
    creditLots: [
      ...input.creditGrants.map((grant, index) => ({
        id: `credit-grant-${index + 1}`,
        name: grant.name,
        remaining: grant.amount,
        appliesTo: new Set(grant.appliesTo.map((item) => item.key)),
        validFrom: input.interval.start,
        expiresAt: null,
      })),
      ...prepaidLots,
    ],
    commitment,
  });
}
