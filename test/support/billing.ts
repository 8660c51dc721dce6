/**
 * Helpers for the invoicing e2e tests: send usage, run billing, read invoices,
 * all through the API.
 */
import { InvoiceResponse } from '../../src/invoicing/dto/invoice.response';
import { TestApp } from './test-app';

let eventSequence = 0;

export interface UsageEvent {
  customerExternalId: string;
  meter: string;
  timestamp: string;
  value?: string;
  dimensions?: Record<string, string>;
  id?: string;
}

export interface IngestResponse {
  accepted: number;
  duplicates: number;
  rejected: Array<{
    index: number;
    id: string | null;
    code: string;
    field: string;
    message: string;
  }>;
}

/** Posts events (each with a fresh id unless given) and answers the ingestion result. */
export async function sendEvents(t: TestApp, events: UsageEvent[]): Promise<IngestResponse> {
  const response = await t.admin.post('/v1/events', {
    events: events.map((event) => ({ id: `evt_billing_${++eventSequence}`, value: '1', ...event })),
  });
  if (response.status !== 200) {
    throw new Error(
      `POST /v1/events answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body as IngestResponse;
}

/** Posts events that must all be accepted. */
export async function recordUsage(t: TestApp, events: UsageEvent[]): Promise<void> {
  const result = await sendEvents(t, events);
  if (result.accepted !== events.length) {
    throw new Error(`expected every event to be accepted: ${JSON.stringify(result)}`);
  }
}

export interface BillingRunResponse {
  invoicesCreated: number;
  invoicesFinalized: number;
  asOf: string;
  billedUntil: string;
  subscriptionsSkipped: number;
  failures: Array<{ subscriptionId: string; periodStart: string; message: string }>;
}

export async function runBilling(t: TestApp, asOf?: string): Promise<BillingRunResponse> {
  const response = await t.admin.post('/v1/billing-runs', asOf ? { asOf } : {});
  if (response.status !== 200) {
    throw new Error(
      `POST /v1/billing-runs answered ${response.status}: ${JSON.stringify(response.body)}`,
    );
  }
  return response.body as BillingRunResponse;
}

/** Every invoice matching the query string (all pages), newest period first. */
export async function listInvoices(t: TestApp, query = ''): Promise<InvoiceResponse[]> {
  const invoices: InvoiceResponse[] = [];
  let cursor: string | null = null;
  do {
    const separator = query ? '&' : '';
    const page = await t.admin.get(
      `/v1/invoices?${query}${separator}limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    if (page.status !== 200) {
      throw new Error(`GET /v1/invoices answered ${page.status}: ${JSON.stringify(page.body)}`);
    }
    invoices.push(...(page.body.data as InvoiceResponse[]));
    cursor = page.body.nextCursor as string | null;
  } while (cursor);
  return invoices;
}

/** The lines of an invoice as [billableItem, quantity, amount] triples, easy to compare with worked numbers. */
export function lineSummary(
  invoice: InvoiceResponse,
): Array<[string | null, string | null, string]> {
  return invoice.lines.map((line) => [line.billableItem, line.quantity, line.amount]);
}

export function totalsOf(invoice: InvoiceResponse) {
  const { subtotal, creditsApplied, tax, total } = invoice;
  return { subtotal, creditsApplied, tax, total };
}
