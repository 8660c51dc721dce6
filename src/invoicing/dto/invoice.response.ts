import { Decimal, toDecimalString } from '../../common/decimal';
import { formatMoney } from '../../common/money';
import { BreakdownLine } from '../../rating/breakdown';
import { InvoiceLineView, InvoiceView } from '../invoice-view';

/**
 * The contract's invoice shape. Amounts that are billed (line amounts, totals)
 * carry the currency's minor unit ("49.50", "1200" in JPY); quantities, unit
 * prices, exact amounts and breakdowns are exact decimal strings.
 */
export function toInvoiceResponse(invoice: InvoiceView) {
  const money = (amount: Decimal) => formatMoney(amount, invoice.currency);
  return {
    id: invoice.id,
    number: invoice.number,
    status: invoice.status,
    customerExternalId: invoice.customerExternalId,
    subscriptionId: invoice.subscriptionId,
    plan: invoice.planKey,
    version: invoice.version,
    currency: invoice.currency,
    periodStart: invoice.period.start.toISOString(),
    periodEnd: invoice.period.end.toISOString(),
    lines: invoice.lines.map((line) => toLineResponse(line, money)),
    subtotal: money(invoice.subtotal),
    creditsApplied: money(invoice.creditsApplied),
    taxRate: toDecimalString(invoice.taxRate),
    tax: money(invoice.tax),
    total: money(invoice.total),
    createdAt: invoice.createdAt?.toISOString() ?? null,
    finalizedAt: invoice.finalizedAt?.toISOString() ?? null,
    voidedAt: invoice.voidedAt?.toISOString() ?? null,
  };
}

export type InvoiceResponse = ReturnType<typeof toInvoiceResponse>;

function toLineResponse(line: InvoiceLineView, money: (amount: Decimal) => string) {
  return {
    billableItem: line.billableItemKey,
    description: line.description,
    quantity: decimalOrNull(line.quantity),
    servicePeriodStart: line.servicePeriod.start.toISOString(),
    servicePeriodEnd: line.servicePeriod.end.toISOString(),
    amount: money(line.amount),
    kind: line.kind,
    unitAmount: decimalOrNull(line.unitAmount),
    exactAmount: toDecimalString(line.exactAmount),
    breakdown: line.breakdown.map(toBreakdownResponse),
  };
}

function toBreakdownResponse(line: BreakdownLine) {
  return {
    description: line.description,
    quantity: toDecimalString(line.quantity),
    ...(line.unitAmount === undefined ? {} : { unitAmount: toDecimalString(line.unitAmount) }),
    ...(line.flatAmount === undefined ? {} : { flatAmount: toDecimalString(line.flatAmount) }),
    amount: toDecimalString(line.amount),
  };
}

function decimalOrNull(value: Decimal | null): string | null {
  return value === null ? null : toDecimalString(value);
}
