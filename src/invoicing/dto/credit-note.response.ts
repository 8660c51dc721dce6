import { Decimal } from '../../common/decimal';
import { formatMoney } from '../../common/money';
import { CreditNoteView } from '../credit-note.repository';

/** A credit note; amounts are positive when they credit the customer, in the invoice's currency. */
export function toCreditNoteResponse(note: CreditNoteView) {
  const money = (amount: Decimal) => formatMoney(amount, note.currency);
  return {
    id: note.id,
    number: note.number,
    reason: note.reason,
    memo: note.memo,
    customerExternalId: note.customerExternalId,
    invoiceId: note.invoiceId,
    invoiceNumber: note.invoiceNumber,
    currency: note.currency,
    lines: note.lines.map((line) => ({
      invoiceLinePosition: line.invoiceLinePosition,
      billableItem: line.billableItemKey,
      description: line.description,
      servicePeriodStart: line.servicePeriod.start.toISOString(),
      servicePeriodEnd: line.servicePeriod.end.toISOString(),
      amount: money(line.amount),
    })),
    subtotal: money(note.subtotal),
    tax: money(note.tax),
    total: money(note.total),
    refundedToCredit: note.refundedToCredit,
    issuedAt: note.issuedAt.toISOString(),
  };
}

export type CreditNoteResponse = ReturnType<typeof toCreditNoteResponse>;
