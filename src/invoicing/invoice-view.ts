import { Decimal } from '../common/decimal';
import { Interval } from '../common/period';
import { BreakdownLine } from '../rating/breakdown';
import { InvoiceDraft } from './invoice-calculator';
import { InvoiceLineKind } from './invoice-line';
import { BillingContext } from './invoice-builder.service';

export type InvoiceStatus = 'draft' | 'finalized' | 'void';

export interface InvoiceLineView {
  kind: InvoiceLineKind;
  /** Null on credit lines. */
  billableItemKey: string | null;
  description: string;
  quantity: Decimal | null;
  unitAmount: Decimal | null;
  servicePeriod: Interval;
  exactAmount: Decimal;
  /** Rounded to the currency's minor unit. */
  amount: Decimal;
  breakdown: BreakdownLine[];
}

/** An invoice as the API shows it: stored (draft, finalized, void) or previewed (upcoming). */
export interface InvoiceView {
  /** Null for a preview. */
  id: string | null;
  number: string | null;
  status: InvoiceStatus | 'upcoming';
  customerExternalId: string;
  subscriptionId: string;
  planKey: string;
  version: number;
  currency: string;
  taxRate: Decimal;
  period: Interval;
  lines: InvoiceLineView[];
  subtotal: Decimal;
  creditsApplied: Decimal;
  tax: Decimal;
  total: Decimal;
  createdAt: Date | null;
  finalizedAt: Date | null;
  voidedAt: Date | null;
}

/** The view of an invoice built but not stored. */
export function upcomingInvoiceView(context: BillingContext, draft: InvoiceDraft): InvoiceView {
  const { subscription, plan } = context;
  const itemKeys = new Map(
    [...plan.rates, ...plan.licenceFees].map(({ item }) => [item.id, item.key]),
  );
  return {
    id: null,
    number: null,
    status: 'upcoming',
    customerExternalId: subscription.customerExternalId,
    subscriptionId: subscription.id,
    planKey: plan.planKey,
    version: plan.version,
    currency: plan.currency,
    taxRate: subscription.taxRate,
    period: context.period,
    lines: draft.lines.map((line) => ({
      kind: line.kind,
      billableItemKey: line.billableItemId && (itemKeys.get(line.billableItemId) ?? null),
      description: line.description,
      quantity: line.quantity,
      unitAmount: line.unitAmount,
      servicePeriod: line.servicePeriod,
      exactAmount: line.exactAmount,
      amount: line.amount,
      breakdown: line.breakdown,
    })),
    subtotal: draft.subtotal,
    creditsApplied: draft.creditsApplied,
    tax: draft.tax,
    total: draft.total,
    createdAt: null,
    finalizedAt: null,
    voidedAt: null,
  };
}
