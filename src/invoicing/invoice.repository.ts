import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { optionalBillableItemKeyJoin } from '../catalog/billable-item-key-join-sql';
import { planVersionLabelJoin } from '../catalog/plan-version-label-join-sql';
import { Decimal, toDecimalString } from '../common/decimal';
import { Interval } from '../common/period';
import { CustomerRepository } from '../customers/customer.repository';
import { customerExternalIdJoin } from '../customers/customer-external-id-join-sql';
import { closeSubscriptionUsage } from '../customers/usage-closing-sql';
import { CustomerRow, customersOf } from '../database/customer-routing';
import { claimIssuedKeys } from '../database/global-key-lookup';
import { Queryable } from '../database/transaction';
import { BreakdownLine } from '../rating/breakdown';
import { InvoiceDraft } from './invoice-calculator';
import { InvoiceLineKind } from './invoice-line';
import { InvoiceLineView, InvoiceStatus, InvoiceView } from './invoice-view';

export interface NewInvoice {
  customerId: string;
  subscriptionId: string;
  planVersionId: string;
  period: Interval;
  currency: string;
  taxRate: Decimal;
  usageBilledUntil: Date | null;
  createdAt: Date;
}

/** What saveContents writes for one draft. */
export interface DraftContents {
  invoiceId: string;
  customerId: string;
  draft: InvoiceDraft;
}

export interface InvoiceFilter {
  customerExternalId?: string;
  status?: InvoiceStatus;
  subscriptionId?: string;
}

/** Position in the listing order (newest period first). */
export interface InvoiceCursor {
  periodStart: Date;
  id: string;
}

export interface DraftToFinalize {
  id: string;
  customerId: string;
  subscriptionId: string;
  periodStart: Date;
}

export interface LockedInvoice {
  id: string;
  status: InvoiceStatus;
  customerId: string;
  subscriptionId: string;
  currency: string;
  taxRate: Decimal;
  tax: Decimal;
}

export interface FinalizedInvoice extends CustomerRow {
  number: string;
}

interface InvoiceRow {
  id: string;
  number: string | null;
  status: InvoiceStatus;
  customer_external_id: string;
  subscription_id: string;
  plan_key: string;
  version: number;
  currency: string;
  tax_rate: string;
  period_start: Date;
  period_end: Date;
  subtotal: string;
  credits_applied: string;
  tax: string;
  total: string;
  created_at: Date;
  finalized_at: Date | null;
  voided_at: Date | null;
}

interface LineRow {
  invoice_id: string;
  kind: InvoiceLineKind;
  billable_item_key: string | null;
  description: string;
  quantity: string | null;
  unit_amount: string | null;
  service_period_start: Date;
  service_period_end: Date;
  exact_amount: string;
  amount: string;
  breakdown: BreakdownJson[];
}

interface BreakdownJson {
  description: string;
  quantity: string;
  unitAmount?: string;
  flatAmount?: string;
  amount: string;
}

const SELECT_INVOICES = `
  SELECT i.id, i.number, i.status, c.external_id AS customer_external_id, i.subscription_id,
         v.plan_key, v.version, i.currency, i.tax_rate, i.period_start, i.period_end,
         i.subtotal, i.credits_applied, i.tax, i.total, i.created_at, i.finalized_at, i.voided_at
  FROM invoices i
  ${customerExternalIdJoin('i.customer_id', 'c')}
  ${planVersionLabelJoin('i.plan_version_id', 'v')}`;

// Lines travel as parallel arrays, tagged with their invoice (one statement for
// a whole chunk of invoices); the invoices' totals are written by the same statement.
const SAVE_CONTENTS = `
  WITH lines AS (
    INSERT INTO invoice_lines (invoice_id, position, customer_id, kind, billable_item_id, credit_lot_id,
                               description, quantity, unit_amount, service_period_start, service_period_end,
                               exact_amount, amount, breakdown)
    SELECT l.invoice_id, l.position, l.customer_id, l.kind, l.billable_item_id, l.credit_lot_id, l.description,
           l.quantity, l.unit_amount, l.service_period_start, l.service_period_end, l.exact_amount, l.amount,
           l.breakdown
    FROM unnest($1::uuid[], $2::int[], $3::uuid[], $4::text[], $5::uuid[], $6::uuid[], $7::text[], $8::numeric[],
                $9::numeric[], $10::timestamptz[], $11::timestamptz[], $12::numeric[], $13::numeric[], $14::jsonb[])
      AS l (invoice_id, position, customer_id, kind, billable_item_id, credit_lot_id, description, quantity,
            unit_amount, service_period_start, service_period_end, exact_amount, amount, breakdown)
    RETURNING 1
  ), totals AS (
    UPDATE invoices i SET subtotal = t.subtotal, credits_applied = t.credits_applied, tax = t.tax, total = t.total
    FROM unnest($15::uuid[], $16::numeric[], $17::numeric[], $18::numeric[], $19::numeric[])
      AS t (id, subtotal, credits_applied, tax, total)
    WHERE i.id = t.id AND i.customer_id = ANY($20::uuid[]) AND i.status = 'draft'
    RETURNING i.id
  )
  SELECT (SELECT count(*) FROM lines)::int AS lines, (SELECT count(*) FROM totals)::int AS invoices`;

// Numbers come from one counter row, taken inside the finalizing transaction: a
// rolled-back finalization gives its numbers back, so finalized numbers have no
// gaps (and finalizations queue on that row for the instant before they commit).
// The counter moves by the number of drafts among the invoices, which are
// numbered in the order given. Finalizing also closes the billed usage of each
// subscription (at most one invoice per subscription per call), through the
// customers module's fragment (usage-closing-sql.ts). The numbers are claimed in
// global_keys right after, in the same transaction (InvoiceRepository.finalize).
const FINALIZE = `
  WITH draft AS (
    SELECT i.id, i.subscription_id, i.usage_billed_until, d.position
    FROM unnest($1::uuid[]) WITH ORDINALITY AS d (id, position)
    JOIN invoices i ON i.id = d.id
    WHERE i.status = 'draft' AND i.customer_id = ANY($3::uuid[])
    FOR UPDATE OF i
  ), numbered AS (
    SELECT id, row_number() OVER (ORDER BY position) AS k, count(*) OVER () AS n FROM draft
  ), counter AS (
    UPDATE invoice_numbering SET last_number = last_number + (SELECT count(*) FROM draft)
    WHERE EXISTS (SELECT 1 FROM draft)
    RETURNING last_number
  ), finalized AS (
    UPDATE invoices i
    SET status = 'finalized', finalized_at = $2,
        number = 'INV-' || lpad((counter.last_number - numbered.n + numbered.k)::text,
                                greatest(6, length((counter.last_number - numbered.n + numbered.k)::text)), '0')
    FROM numbered, counter WHERE i.id = numbered.id AND i.customer_id = ANY($3::uuid[])
    RETURNING i.id, i.number, i.customer_id
  ), closed AS (
    ${closeSubscriptionUsage('draft', 'draft.subscription_id', 'draft.usage_billed_until', '$3::uuid[]')}
  )
  SELECT finalized.id, finalized.number, finalized.customer_id, (SELECT count(*) FROM closed) AS closed
  FROM finalized`;

/**
 * A billing run's sweep of drafts left by other processes, in id order: it
 * reads every customer by design (on Citus, every node once per batch); each
 * draft is then finalized with its customer named.
 */
export const DRAFTS_ENDED_BY = `
  SELECT id, customer_id, subscription_id, period_start FROM invoices
  WHERE status = 'draft' AND period_end <= $1 AND ($2::uuid IS NULL OR id > $2)
  ORDER BY id LIMIT $3`;

/** Invoices and their lines. Writes run in the caller's transaction. */
@Injectable()
export class InvoiceRepository {
  constructor(
    private readonly db: DataSource,
    private readonly customers: CustomerRepository,
  ) {}

  /**
   * Locks the customer until the transaction ends, so that no event batch is
   * in flight for it until the invoice is finalized and its usage closed
   * (CustomerRepository.lockForBilling).
   */
  async lockCustomer(tx: Queryable, customerId: string): Promise<void> {
    await this.lockCustomers(tx, [customerId]);
  }

  /** lockCustomer for several customers, locked in id order so that two lockers never deadlock. */
  async lockCustomers(tx: Queryable, customerIds: readonly string[]): Promise<void> {
    await this.customers.lockForBilling(tx, customerIds);
  }

  /**
   * A draft for each subscription's period, in one statement, answered by
   * subscription id; a period that already has an invoice gets none: one per
   * subscription and period, whoever (a replica, an earlier run) made it.
   */
  async insertDrafts(tx: Queryable, invoices: readonly NewInvoice[]): Promise<Map<string, string>> {
    if (invoices.length === 0) return new Map();
    const rows: Array<{ id: string; subscription_id: string }> = await tx.query(
      `INSERT INTO invoices (customer_id, subscription_id, plan_version_id, period_start, period_end, status,
                             currency, tax_rate, subtotal, credits_applied, tax, total, usage_billed_until, created_at)
       SELECT customer_id, subscription_id, plan_version_id, period_start, period_end, 'draft',
              currency, tax_rate, 0, 0, 0, 0, usage_billed_until, created_at
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[], $5::timestamptz[], $6::text[],
                   $7::numeric[], $8::timestamptz[], $9::timestamptz[])
         AS d (customer_id, subscription_id, plan_version_id, period_start, period_end, currency, tax_rate,
               usage_billed_until, created_at)
       ON CONFLICT (subscription_id, period_start, customer_id) DO NOTHING
       RETURNING id, subscription_id`,
      [
        invoices.map((invoice) => invoice.customerId),
        invoices.map((invoice) => invoice.subscriptionId),
        invoices.map((invoice) => invoice.planVersionId),
        invoices.map((invoice) => invoice.period.start.toISOString()),
        invoices.map((invoice) => invoice.period.end.toISOString()),
        invoices.map((invoice) => invoice.currency),
        invoices.map((invoice) => toDecimalString(invoice.taxRate)),
        invoices.map((invoice) => invoice.usageBilledUntil?.toISOString() ?? null),
        invoices.map((invoice) => invoice.createdAt.toISOString()),
      ],
    );
    return new Map(rows.map((row) => [row.subscription_id, row.id]));
  }

  /** Writes drafts' lines and totals, in one statement. */
  async saveContents(tx: Queryable, contents: readonly DraftContents[]): Promise<void> {
    if (contents.length === 0) return;
    const lines = contents.flatMap(({ invoiceId, customerId, draft }) =>
      draft.lines.map((line, position) => ({ invoiceId, customerId, position, line })),
    );
    const decimalOrNull = (value: Decimal | null) =>
      value === null ? null : toDecimalString(value);
    const [saved]: Array<{ lines: number; invoices: number }> = await tx.query(SAVE_CONTENTS, [
      lines.map((l) => l.invoiceId),
      lines.map((l) => l.position),
      lines.map((l) => l.customerId),
      lines.map(({ line }) => line.kind),
      lines.map(({ line }) => line.billableItemId),
      lines.map(({ line }) => line.creditLotId),
      lines.map(({ line }) => line.description),
      lines.map(({ line }) => decimalOrNull(line.quantity)),
      lines.map(({ line }) => decimalOrNull(line.unitAmount)),
      lines.map(({ line }) => line.servicePeriod.start.toISOString()),
      lines.map(({ line }) => line.servicePeriod.end.toISOString()),
      lines.map(({ line }) => toDecimalString(line.exactAmount)),
      lines.map(({ line }) => toDecimalString(line.amount)),
      lines.map(({ line }) => JSON.stringify(breakdownToJson(line.breakdown))),
      contents.map((c) => c.invoiceId),
      contents.map((c) => toDecimalString(c.draft.subtotal)),
      contents.map((c) => toDecimalString(c.draft.creditsApplied)),
      contents.map((c) => toDecimalString(c.draft.tax)),
      contents.map((c) => toDecimalString(c.draft.total)),
      customersOf(contents),
    ]);
    if (saved.invoices !== contents.length) {
      throw new Error(`${contents.length - saved.invoices} of the invoices are not drafts`);
    }
  }

  /**
   * Numbers and finalizes drafts, in the order given, and closes the usage they
   * bill; an invoice that is not a draft is left out (and takes no number).
   * Their numbers are claimed across customers in one more statement, whatever
   * their count; a number someone holds already fails the transaction.
   */
  async finalize(
    tx: Queryable,
    drafts: readonly CustomerRow[],
    at: Date,
  ): Promise<FinalizedInvoice[]> {
    if (drafts.length === 0) return [];
    const rows: Array<{ id: string; number: string; customer_id: string }> = await tx.query(
      FINALIZE,
      [drafts.map((draft) => draft.id), at.toISOString(), customersOf(drafts)],
    );
    const finalized = rows.map((row) => ({
      id: row.id,
      number: row.number,
      customerId: row.customer_id,
    }));
    await claimIssuedKeys(
      tx,
      finalized.map(({ number, customerId }) => ({
        kind: 'invoice_number',
        key: number,
        customerId,
      })),
    );
    return finalized;
  }

  /** Drafts of periods ended by `endedBy`, in id order after `afterId`. */
  async draftsEndedBy(
    endedBy: Date,
    afterId: string | null,
    limit: number,
  ): Promise<DraftToFinalize[]> {
    const rows: Array<{
      id: string;
      customer_id: string;
      subscription_id: string;
      period_start: Date;
    }> = await this.db.query(DRAFTS_ENDED_BY, [endedBy.toISOString(), afterId, limit]);
    return rows.map((row) => ({
      id: row.id,
      customerId: row.customer_id,
      subscriptionId: row.subscription_id,
      periodStart: row.period_start,
    }));
  }

  async findById(id: string, db: Queryable = this.db): Promise<InvoiceView | null> {
    const rows: InvoiceRow[] = await db.query(`${SELECT_INVOICES} WHERE i.id = $1`, [id]);
    const [invoice] = await this.withLines(rows, db);
    return invoice ?? null;
  }

  /**
   * Locks the invoice row until the transaction ends (voids and credit notes of
   * one invoice queue on it), and answers what they need of it.
   */
  async lock(tx: Queryable, id: string): Promise<LockedInvoice | null> {
    const rows: Array<{
      status: InvoiceStatus;
      customer_id: string;
      subscription_id: string;
      currency: string;
      tax_rate: string;
      tax: string;
    }> = await tx.query(
      `SELECT status, customer_id, subscription_id, currency, tax_rate, tax
       FROM invoices WHERE id = $1 FOR UPDATE`,
      [id],
    );
    const [row] = rows;
    return row
      ? {
          id,
          status: row.status,
          customerId: row.customer_id,
          subscriptionId: row.subscription_id,
          currency: row.currency,
          taxRate: new Decimal(row.tax_rate),
          tax: new Decimal(row.tax),
        }
      : null;
  }

  /** The subscription's issued invoices with a line whose service period ends after `after`. */
  async issuedWithServiceAfter(
    tx: Queryable,
    subscriptionId: string,
    after: Date,
  ): Promise<string[]> {
    const rows: Array<{ id: string }> = await tx.query(
      `SELECT i.id FROM invoices i
       WHERE i.subscription_id = $1 AND i.status = 'finalized'
         AND EXISTS (SELECT 1 FROM invoice_lines l WHERE l.invoice_id = i.id AND l.service_period_end > $2)
       ORDER BY i.period_start`,
      [subscriptionId, after.toISOString()],
    );
    return rows.map((row) => row.id);
  }

  async markVoid(tx: Queryable, id: string, at: Date): Promise<void> {
    await tx.query(
      // TypeORM answers a bare UPDATE with [rows, count]; a CTE keeps the answer a row list.
      `WITH voided AS (UPDATE invoices SET status = 'void', voided_at = $2 WHERE id = $1 RETURNING id)
       SELECT id FROM voided`,
      [id, at.toISOString()],
    );
  }

  /** Up to `limit` invoices matching the filter, newest period first, after `cursor`. */
  async list(
    filter: InvoiceFilter,
    cursor: InvoiceCursor | undefined,
    limit: number,
  ): Promise<InvoiceView[]> {
    const rows: InvoiceRow[] = await this.db.query(
      `${SELECT_INVOICES}
       WHERE ($1::text IS NULL OR c.external_id = $1)
         AND ($2::text IS NULL OR i.status = $2)
         AND ($3::uuid IS NULL OR i.subscription_id = $3)
         AND ($4::timestamptz IS NULL OR (i.period_start, i.id) < ($4, $5::uuid))
       ORDER BY i.period_start DESC, i.id DESC
       LIMIT $6`,
      [
        filter.customerExternalId ?? null,
        filter.status ?? null,
        filter.subscriptionId ?? null,
        cursor?.periodStart.toISOString() ?? null,
        cursor?.id ?? null,
        limit,
      ],
    );
    return this.withLines(rows, this.db);
  }

  private async withLines(rows: InvoiceRow[], db: Queryable): Promise<InvoiceView[]> {
    if (rows.length === 0) return [];
    const lines: LineRow[] = await db.query(
      `SELECT l.invoice_id, l.kind, b.key AS billable_item_key, l.description, l.quantity, l.unit_amount,
              l.service_period_start, l.service_period_end, l.exact_amount, l.amount, l.breakdown
       FROM invoice_lines l ${optionalBillableItemKeyJoin('l.billable_item_id', 'b')}
       WHERE l.invoice_id = ANY($1::uuid[])
       ORDER BY l.invoice_id, l.position`,
      [rows.map((row) => row.id)],
    );
    const linesByInvoice = new Map<string, InvoiceLineView[]>();
    for (const line of lines) {
      const list = linesByInvoice.get(line.invoice_id) ?? [];
      list.push(toLineView(line));
      linesByInvoice.set(line.invoice_id, list);
    }
    return rows.map((row) => toInvoiceView(row, linesByInvoice.get(row.id) ?? []));
  }
}

function toInvoiceView(row: InvoiceRow, lines: InvoiceLineView[]): InvoiceView {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    customerExternalId: row.customer_external_id,
    subscriptionId: row.subscription_id,
    planKey: row.plan_key,
    version: row.version,
    currency: row.currency,
    taxRate: new Decimal(row.tax_rate),
    period: { start: row.period_start, end: row.period_end },
    lines,
    subtotal: new Decimal(row.subtotal),
    creditsApplied: new Decimal(row.credits_applied),
    tax: new Decimal(row.tax),
    total: new Decimal(row.total),
    createdAt: row.created_at,
    finalizedAt: row.finalized_at,
    voidedAt: row.voided_at,
  };
}

function toLineView(row: LineRow): InvoiceLineView {
  const decimalOrNull = (value: string | null) => (value === null ? null : new Decimal(value));
  return {
    kind: row.kind,
    billableItemKey: row.billable_item_key,
    description: row.description,
    quantity: decimalOrNull(row.quantity),
    unitAmount: decimalOrNull(row.unit_amount),
    servicePeriod: { start: row.service_period_start, end: row.service_period_end },
    exactAmount: new Decimal(row.exact_amount),
    amount: new Decimal(row.amount),
    breakdown: row.breakdown.map((line) => ({
      description: line.description,
      quantity: new Decimal(line.quantity),
      ...(line.unitAmount === undefined ? {} : { unitAmount: new Decimal(line.unitAmount) }),
      ...(line.flatAmount === undefined ? {} : { flatAmount: new Decimal(line.flatAmount) }),
      amount: new Decimal(line.amount),
    })),
  };
}

function breakdownToJson(lines: readonly BreakdownLine[]): BreakdownJson[] {
  return lines.map((line) => ({
    description: line.description,
    quantity: toDecimalString(line.quantity),
    ...(line.unitAmount === undefined ? {} : { unitAmount: toDecimalString(line.unitAmount) }),
    ...(line.flatAmount === undefined ? {} : { flatAmount: toDecimalString(line.flatAmount) }),
    amount: toDecimalString(line.amount),
  }));
}
