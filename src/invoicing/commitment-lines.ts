/**
 * A plan commitment on an invoice. Pure.
 *
 * Post-paid (Lago's minimum commitment: "If the total amount invoiced is less
 * than the minimum commitment, Lago will automatically apply a true-up fee",
 * https://www.getlago.com/changelog/minimum-plan-commitment): for each window
 * (a service interval, or the billing period) the usage lines of the window,
 * their minimum spend included, are added up as billed (rounded), and the
 * shortfall to the committed amount is billed as one `commitment_true_up` line.
 * A commitment exactly met adds nothing. Licence fees and credits play no part:
 * the commitment is on usage spend, and credit is a way of paying it.
 *
 * Prepaid (Metronome's and Orb's prepaid commits; Orb "supports deducting from
 * a prepaid credit balance as usage occurs", https://docs.withorb.com/product-catalog/prepurchase):
 * each window's amount is billed in advance as a `prepaid_commitment` line and
 * becomes a credit lot of the same amount, valid for the window and paying for
 * the plan's usage rates (invoice-builder.ts issues it in the credit ledger), so
 * usage draws it down and what goes beyond it is billed as usual: the overage.
 * Unused prepaid credit expires with its window (use it or lose it).
 *
 * Windows shorter than a full one (a subscription starting or ending inside it)
 * commit to the amount prorated by time, as Lago prorates minimums and fees.
 */
import { Decimal, sumDecimals } from '../common/decimal';
import { roundToMinorUnit } from '../common/money';
import { Interval } from '../common/period';
import { PlanCommitment } from '../catalog/plan-commitment';
import { InvoiceLineDraft } from './invoice-line';

export interface CommitmentWindow extends Interval {
  /** The window's share of a full one: 1 unless it was cut. */
  prorationFactor: Decimal;
}

export interface InvoiceCommitment {
  commitment: PlanCommitment;
  /** Post-paid: the windows whose usage the invoice measures. Prepaid: the windows it bills in advance. */
  windows: CommitmentWindow[];
}

const ONE = new Decimal(1);

/** What one window commits to, rounded once to the currency's minor unit: the line and the prepaid lot's amount. */
export function committedAmount(
  commitment: PlanCommitment,
  window: CommitmentWindow,
  currency: string,
): Decimal {
  return roundToMinorUnit(commitment.amount.times(window.prorationFactor), currency);
}

export function commitmentLines(
  terms: InvoiceCommitment,
  usageLines: readonly InvoiceLineDraft[],
  currency: string,
): InvoiceLineDraft[] {
  const { commitment, windows } = terms;
  return windows.flatMap((window) => {
    const committed = committedAmount(commitment, window, currency);
    const prorated = window.prorationFactor.equals(ONE)
      ? ''
      : `, prorated × ${window.prorationFactor.toSignificantDigits(6).toFixed()}`;
    const committedPiece = {
      description: `committed ${commitment.amount.toFixed()} per ${commitment.interval.replace('_', ' ')}${prorated}`,
      quantity: ONE,
      unitAmount: committed,
      amount: committed,
    };
    if (commitment.prepaid) {
      return [
        line('prepaid_commitment', 'Prepaid commitment', window, committed, [committedPiece]),
      ];
    }
    const spent = sumDecimals(
      usageLines
        .filter((usage) => isInWindow(usage.servicePeriod, window))
        .map((usage) => usage.amount),
    );
    const shortfall = committed.minus(spent);
    if (!shortfall.gt(0)) return [];
    return [
      line('commitment_true_up', 'Minimum commitment true-up', window, shortfall, [
        committedPiece,
        { description: 'usage billed in the window', quantity: spent, amount: spent.negated() },
      ]),
    ];
  });
}

/** Usage belongs to the window its service interval ends in, as a billing period bills it. */
function isInWindow(servicePeriod: Interval, window: Interval): boolean {
  return servicePeriod.end > window.start && servicePeriod.end <= window.end;
}

function line(
  kind: 'prepaid_commitment' | 'commitment_true_up',
  description: string,
  window: CommitmentWindow,
  amount: Decimal,
  breakdown: InvoiceLineDraft['breakdown'],
): InvoiceLineDraft {
  return {
    kind,
    billableItemId: null,
    creditLotId: null,
    description,
    quantity: null,
    unitAmount: null,
    servicePeriod: { start: window.start, end: window.end },
    exactAmount: amount,
    amount,
    breakdown,
  };
}
