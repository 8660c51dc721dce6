import { Decimal } from '../common/decimal';
import { Interval } from '../common/period';
import { BreakdownLine } from '../rating/breakdown';

/**
 * What an invoice line bills: usage, a licence fee, the minimum spend a rate
 * adds, a commitment's true-up or prepayment, a prepaid block bought or the
 * units drawn from blocks (zero amount), or (negative) credit applied.
 */
export type InvoiceLineKind =
  | 'usage'
  | 'licence_fee'
  | 'minimum_spend'
  | 'commitment_true_up'
  | 'prepaid_commitment'
  | 'prepaid_block'
  | 'prepaid_block_drawdown'
  | 'credit';

export interface InvoiceLineDraft {
  kind: InvoiceLineKind;
  billableItemId: string | null;
  creditLotId: string | null;
  description: string;
  quantity: Decimal | null;
  unitAmount: Decimal | null;
  servicePeriod: Interval;
  /** Unrounded (for credits: equal to amount). */
  exactAmount: Decimal;
  amount: Decimal;
  breakdown: BreakdownLine[];
}
