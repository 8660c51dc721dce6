import { Decimal } from '../common/decimal';
import { formatMoney } from '../common/money';
import { AlertSignal, CustomerRequestSignal } from './crm-payload';
import { CrmAccount, ExpansionOpportunity, UpsellTask } from './crm-provider';
import { alertLabel, percentOfLimit } from './crm-signals';

/** Who the records are about, as the sync loaded them at delivery. */
export interface RecordSubject {
  customerId: string;
  externalId: string;
  name: string;
  account: CrmAccount;
}

const DAY_MS = 86_400_000;
/** Sales should call before the customer hits the limit: the task is due a day after the alert. */
const TASK_DUE_AFTER_MS = DAY_MS;

export function usageLink(publicUrl: string, externalId: string): string {
  return `${publicUrl}/v1/customers/${encodeURIComponent(externalId)}/usage`;
}

/** The lines every task and deal carries: the numbers that explain the signal, and the link back. */
export function signalLines(signal: AlertSignal, link: string): string[] {
  // The currency's own minor units (JPY 0, KWD 3); without a currency, as computed.
  const money = (amount: string | null) =>
    amount === null
      ? 'n/a'
      : signal.currency
        ? `${signal.currency} ${formatMoney(new Decimal(amount), signal.currency)}`
        : amount;
  const percent = percentOfLimit(signal);
  const lines = [`Alert: ${alertLabel(signal)} at ${signal.firedAt}`];
  if (signal.quantity !== null)
    lines.push(
      `Usage: ${signal.quantity}${signal.limit === null ? '' : ` of a limit of ${signal.limit}`}${percent === null ? '' : ` (${percent} %)`}`,
    );
  if (signal.quotaPressure) {
    const { window, capsHit, hoursThrottled } = signal.quotaPressure;
    lines.push(
      `Quota pressure: the ${window} quota was reached ${capsHit} times, ${hoursThrottled} hours throttled; busiest ${window}: ${signal.quantity} against a quota of ${signal.limit}`,
    );
  }
  lines.push(`Projected bill this period: ${money(signal.projectedBill)}`);
  lines.push(
    signal.recommendedPlan === null
      ? 'Recommended plan: none fits better than the current one'
      : `Recommended plan: ${signal.recommendedPlan}`,
  );
  lines.push(`Incremental annual revenue: ${money(signal.incrementalAnnualRevenue)}`);
  lines.push(`Usage details: ${link}`);
  return lines;
}

export function upsellTask(
  signal: AlertSignal,
  subject: RecordSubject,
  publicUrl: string,
): UpsellTask {
  const percent = percentOfLimit(signal);
  const reached =
    percent === null ? alertLabel(signal) : `${percent} % of its ${signal.meter} limit`;
  return {
    externalKey: `alert:${signal.alertId}`,
    accountId: subject.account.id,
    ownerId: subject.account.ownerId,
    subject: `Upsell: ${subject.name} is at ${reached}`,
    body: signalLines(signal, usageLink(publicUrl, subject.externalId)).join('\n'),
    dueAt: new Date(new Date(signal.firedAt).getTime() + TASK_DUE_AFTER_MS),
    requestedByCustomer: false,
  };
}

export function expansionOpportunity(
  signal: AlertSignal,
  reason: string,
  subject: RecordSubject,
  publicUrl: string,
): ExpansionOpportunity {
  return {
    externalKey: `${subject.customerId}:${reason}`,
    accountId: subject.account.id,
    ownerId: subject.account.ownerId,
    name: `Expansion: ${subject.name} → ${signal.recommendedPlan ?? 'a larger plan'}`,
    amount: signal.incrementalAnnualRevenue,
    currency: signal.currency ?? 'USD',
    // The upgrade should land before the interval that would overrun the limit ends.
    closeDate: new Date(signal.intervalEnd),
    description: signalLines(signal, usageLink(publicUrl, subject.externalId)).join('\n'),
    requestedByCustomer: false,
  };
}

/** What the customer asked for, as a task subject and a deal name say it. */
function requestTitle(request: CustomerRequestSignal, name: string): string {
  return request.requestedPlan === null
    ? `${name} asks to top up credits`
    : `${name} asks for plan ${request.requestedPlan}`;
}

/** The lines of a customer's request: it outranks every signal our rules guess. */
export function requestLines(request: CustomerRequestSignal, link: string): string[] {
  const money = (amount: string) =>
    `${request.currency} ${formatMoney(new Decimal(amount), request.currency)}`;
  const lines = [
    `Requested by the customer on their usage page at ${request.requestedAt} (highest priority).`,
    `Current plan: ${request.currentPlan}, ${money(request.currentCost)} a period at the projected usage`,
  ];
  if (request.requestedPlan !== null && request.requestedCost !== null)
    lines.push(
      `Requested plan: ${request.requestedPlan}, ${money(request.requestedCost)} a period at the projected usage`,
    );
  lines.push(`Projected bill this period: ${money(request.projectedBill)}`);
  if (request.creditBalance !== null) lines.push(`Credit balance: ${money(request.creditBalance)}`);
  lines.push(`Usage details: ${link}`);
  return lines;
}

/** Due at once: the customer is waiting for an answer. */
export function requestTask(
  request: CustomerRequestSignal,
  subject: RecordSubject,
  publicUrl: string,
): UpsellTask {
  return {
    externalKey: `request:${request.requestId}`,
    accountId: subject.account.id,
    ownerId: subject.account.ownerId,
    subject: `Customer request: ${requestTitle(request, subject.name)}`,
    body: requestLines(request, usageLink(publicUrl, subject.externalId)).join('\n'),
    dueAt: new Date(request.requestedAt),
    requestedByCustomer: true,
  };
}

/** One open deal per customer and kind of request; a later request updates it. */
export function requestOpportunity(
  request: CustomerRequestSignal,
  subject: RecordSubject,
  publicUrl: string,
): ExpansionOpportunity {
  return {
    externalKey: `${subject.customerId}:customer_request:${request.kind}`,
    accountId: subject.account.id,
    ownerId: subject.account.ownerId,
    name: `Requested by customer: ${requestTitle(request, subject.name)}`,
    amount: request.amount,
    currency: request.currency,
    closeDate: new Date(request.intervalEnd),
    description: requestLines(request, usageLink(publicUrl, subject.externalId)).join('\n'),
    requestedByCustomer: true,
  };
}
