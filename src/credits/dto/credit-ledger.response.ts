import { formatUnrounded } from '../../common/money';
import { CreditLedgerView, CreditLotView } from '../credits.service';

const money = formatUnrounded;

export function toCreditLotResponse(lot: CreditLotView) {
  return {
    id: lot.id,
    kind: lot.kind,
    name: lot.name,
    currency: lot.currency,
    amount: money(lot.amount, lot.currency),
    consumed: money(lot.consumed, lot.currency),
    rolledOver: money(lot.rolledOver, lot.currency),
    remaining: money(lot.amount.minus(lot.consumed).minus(lot.rolledOver), lot.currency),
    rolledOverFrom: lot.rolledOverFrom,
    appliesTo: lot.appliesTo,
    validFrom: lot.validFrom.toISOString(),
    expiresAt: lot.expiresAt?.toISOString() ?? null,
    status: lot.status,
    subscriptionId: lot.subscriptionId,
    createdAt: lot.createdAt.toISOString(),
    consumptions: lot.consumptions.map((consumption) => ({
      invoiceId: consumption.invoiceId,
      invoiceNumber: consumption.invoiceNumber,
      amount: money(consumption.amount, lot.currency),
      createdAt: consumption.createdAt.toISOString(),
    })),
  };
}

export function toCreditLedgerResponse(ledger: CreditLedgerView) {
  return {
    customerExternalId: ledger.customerExternalId,
    lots: ledger.lots.map(toCreditLotResponse),
    totals: ledger.totals.map((total) => ({
      currency: total.currency,
      granted: money(total.granted, total.currency),
      consumed: money(total.consumed, total.currency),
      expired: money(total.expired, total.currency),
      available: money(total.available, total.currency),
    })),
  };
}

export type CreditLotResponse = ReturnType<typeof toCreditLotResponse>;
export type CreditLedgerResponse = ReturnType<typeof toCreditLedgerResponse>;
