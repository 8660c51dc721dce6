import { Decimal, toDecimalString } from '../../common/decimal';
import { formatMoney } from '../../common/money';
import { BreakdownLine } from '../../rating/breakdown';
import { PricedItems } from '../../rating/quote';
import { PlanQuote, Quote } from '../quotes.service';

export function toQuoteResponse(quote: Quote) {
  return quote.form === 'explicit' ? toItemsResponse(quote.priced) : toPlanQuoteResponse(quote);
}

/** Explicit form: one item per request item, in order. */
function toItemsResponse({ currency, items, total }: PricedItems) {
  return {
    currency,
    items: items.map((item) => priced(item, currency)),
    total: formatMoney(total, currency),
  };
}

/** Plan form: the lines of one service interval, shaped like invoice lines. */
function toPlanQuoteResponse({ plan, version, draft }: PlanQuote) {
  const { currency } = plan;
  return {
    currency,
    plan: plan.key,
    version: version.version,
    serviceInterval: { unit: version.serviceInterval.unit, count: version.serviceInterval.count },
    lines: draft.lines.map((line) => ({
      kind: line.kind,
      // The quote passes billable item keys as the calculator's item ids (plan-interval-quote.ts).
      billableItem: line.billableItemId,
      description: line.description,
      quantity: line.quantity && toDecimalString(line.quantity),
      unitAmount: line.unitAmount && toDecimalString(line.unitAmount),
      ...priced(line, currency),
    })),
    subtotal: formatMoney(draft.subtotal, currency),
    creditsApplied: formatMoney(draft.creditsApplied, currency),
    total: formatMoney(draft.total, currency),
  };
}

/** What every priced item and line carries: the rounded amount, the exact one and how it was made. */
function priced(
  {
    amount,
    exactAmount,
    breakdown,
  }: { amount: Decimal; exactAmount: Decimal; breakdown: BreakdownLine[] },
  currency: string,
) {
  return {
    amount: formatMoney(amount, currency),
    exactAmount: toDecimalString(exactAmount),
    breakdown: breakdown.map(toBreakdownResponse),
  };
}

/** A breakdown line with decimal strings; unitAmount and flatAmount only where the piece has them. */
function toBreakdownResponse(line: BreakdownLine) {
  return {
    description: line.description,
    quantity: toDecimalString(line.quantity),
    ...(line.unitAmount && { unitAmount: toDecimalString(line.unitAmount) }),
    ...(line.flatAmount && { flatAmount: toDecimalString(line.flatAmount) }),
    amount: toDecimalString(line.amount),
  };
}

export type QuoteResponse = ReturnType<typeof toQuoteResponse>;
