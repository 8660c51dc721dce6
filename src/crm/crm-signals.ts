import { Decimal } from '../common/decimal';
import { JsonValue } from '../outbox/outbox-message';
import { AlertSignal, CrmPayload, CustomerRequestSignal } from './crm-payload';
import { AccountUsageProperties } from './crm-provider';

/** A fired alert as the CRM sync sees it; alerts/ fills it in, so crm/ depends on nothing there. */
export interface FiredAlert {
  id: string;
  customerId: string;
  rule: string;
  level: string;
  channels: readonly string[];
  meter: string | null;
  quantity: Decimal | null;
  limit: Decimal | null;
  currency: string | null;
  projectedBill: Decimal | null;
  recommendedPlan: string | null;
  incrementalAnnualRevenue: Decimal;
  firedAt: Date;
  intervalEnd: Date;
  /** quota_pressure only: how often and how long the customer hit the quota. */
  quotaPressure?: QuotaPressureFigures;
}

export interface QuotaPressureFigures {
  window: string;
  capsHit: number;
  hoursThrottled: Decimal;
}

export interface FinalizedInvoiceFacts {
  id: string;
  customerId: string;
}

export interface CrmMessage {
  dedupeKey: string;
  payload: CrmPayload & JsonValue;
}

/** Which CRM messages an alert makes: usage properties always, a task and a deal as its channels and numbers say. */
export function alertMessages(alert: FiredAlert): CrmMessage[] {
  const signal = toSignal(alert);
  const customerId = alert.customerId;
  const messages: CrmMessage[] = [
    {
      dedupeKey: `alert:${alert.id}:properties`,
      payload: { kind: 'account_properties', customerId, properties: signalProperties(signal) },
    },
  ];
  if (alert.channels.includes('crm_task')) {
    messages.push({
      dedupeKey: `alert:${alert.id}:task`,
      payload: { kind: 'upsell_task', customerId, signal },
    });
  }
  const upside = alert.rule === 'usage_threshold' && alert.incrementalAnnualRevenue.gt(0);
  if (alert.channels.includes('crm_opportunity') || upside) {
    messages.push({
      dedupeKey: `alert:${alert.id}:opportunity`,
      payload: {
        kind: 'expansion_opportunity',
        customerId,
        reason: opportunityReason(alert.rule),
        signal,
      },
    });
  }
  return messages;
}

/** A finalized invoice; its figures are read at delivery (it cannot change any more). */
export function invoiceMessage(invoice: FinalizedInvoiceFacts): CrmMessage {
  return {
    dedupeKey: `invoice:${invoice.id}`,
    payload: { kind: 'invoice', customerId: invoice.customerId, invoiceId: invoice.id },
  };
}

/** An issued credit note, whatever its reason (void, early end, correction, plan change). */
export interface IssuedCreditNoteFacts {
  id: string;
  number: string;
  customerId: string;
  creditedInvoiceNumber: string;
  currency: string;
  total: string;
  periodStart: Date;
  periodEnd: Date;
}

/** Pushed beside the invoices it credits, once per note. */
export function creditNoteMessage(note: IssuedCreditNoteFacts): CrmMessage {
  const { customerId, periodStart, periodEnd, ...facts } = note;
  return {
    dedupeKey: `credit_note:${note.id}`,
    payload: {
      kind: 'credit_note',
      customerId,
      creditNote: {
        ...facts,
        periodStart: periodStart.toISOString(),
        periodEnd: periodEnd.toISOString(),
      },
    },
  };
}

/**
 * A customer's own request: a task for the account owner and a deal, both
 * marked as asked for by the customer. Keyed by the request, which is itself
 * unique per subscription, plan and interval, so a second press adds nothing.
 */
export function customerRequestMessages(
  customerId: string,
  request: CustomerRequestSignal,
): CrmMessage[] {
  return [
    {
      dedupeKey: `request:${request.requestId}:task`,
      payload: { kind: 'request_task', customerId, request },
    },
    {
      dedupeKey: `request:${request.requestId}:opportunity`,
      payload: { kind: 'request_opportunity', customerId, request },
    },
  ];
}

/** Thresholds of any level are one upsell conversation; other rules each open their own. */
function opportunityReason(rule: string): string {
  return rule === 'usage_threshold' ? 'usage_limit' : rule;
}

function toSignal(alert: FiredAlert): AlertSignal {
  const text = (value: Decimal | null) => (value === null ? null : value.toFixed());
  return {
    alertId: alert.id,
    rule: alert.rule,
    level: alert.level,
    meter: alert.meter,
    quantity: text(alert.quantity),
    limit: text(alert.limit),
    currency: alert.currency,
    projectedBill: text(alert.projectedBill),
    recommendedPlan: alert.recommendedPlan,
    incrementalAnnualRevenue: alert.incrementalAnnualRevenue.toFixed(),
    firedAt: alert.firedAt.toISOString(),
    intervalEnd: alert.intervalEnd.toISOString(),
    ...(alert.quotaPressure && {
      quotaPressure: {
        window: alert.quotaPressure.window,
        capsHit: alert.quotaPressure.capsHit,
        hoursThrottled: alert.quotaPressure.hoursThrottled.toFixed(),
      },
    }),
  };
}

/** Percent of the limit, two decimals; null without a limit. */
export function percentOfLimit(signal: AlertSignal): string | null {
  if (signal.quantity === null || signal.limit === null || new Decimal(signal.limit).isZero())
    return null;
  return new Decimal(signal.quantity).times(100).div(signal.limit).toDecimalPlaces(2).toFixed();
}

/** A short label of the alert for the account: "usage_threshold 80 % (tokens)". */
export function alertLabel(signal: AlertSignal): string {
  const level = signal.rule === 'usage_threshold' ? `${signal.level} %` : signal.level;
  return `${signal.rule} ${level}${signal.meter ? ` (${signal.meter})` : ''}`;
}

/** The account fields an alert updates; a figure the alert lacks (a spend alert has no usage) is left as it is. */
export function signalProperties(signal: AlertSignal): AccountUsageProperties['properties'] {
  const figures = {
    currentUsage: signal.quantity,
    usageLimit: signal.limit,
    percentOfLimit: percentOfLimit(signal),
    projectedBill: signal.projectedBill,
    lastAlert: alertLabel(signal),
    lastAlertAt: signal.firedAt,
    quotaHits: signal.quotaPressure ? String(signal.quotaPressure.capsHit) : null,
  };
  return Object.fromEntries(Object.entries(figures).filter(([, value]) => value !== null));
}
