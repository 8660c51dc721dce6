import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { optionalBillableItemKeyJoin } from '../catalog/billable-item-key-join-sql';
import { Decimal, toDecimalString } from '../common/decimal';
import { Interval } from '../common/period';
import { CrmOutbox } from '../crm/crm-outbox.service';
import { customerExternalIdJoin } from '../customers/customer-external-id-join-sql';
import { claimIssuedKeys } from '../database/global-key-lookup';
import { Queryable } from '../database/transaction';
import { CreditableLine, CreditNoteLineDraft, CreditNoteTotals } from './credit-note-lines';
import { InvoiceLineKind } from './invoice-line';

export type CreditNoteReason = 'void' | 'early_end' | 'overcharge' | 'plan_change';

export interface NewCreditNote extends CreditNoteTotals {
  id: string;
  customerId: string;
  invoiceId: string;
  reason: CreditNoteReason;
  memo: string | null;
  currency: string;
  creditLotId: string | null;
  idempotencyKey: string;
  issuedAt: Date;
  lines: CreditNoteLineDraft[];
}

export interface CreditNoteView extends CreditNoteTotals {
  id: string;
  number: string;
  customerExternalId: string;
  invoiceId: string;
  invoiceNumber: string;
  reason: CreditNoteReason;
  memo: string | null;
  currency: string;
  refundedToCredit: boolean;
  issuedAt: Date;
  lines: Array<CreditNoteLineDraft & { billableItemKey: string | null }>;
}

export interface CreditNoteFilter {
  customerExternalId?: string;
  invoiceId?: string;
}

/** Position in the listing order (newest first). */
export interface CreditNoteCursor {
  issuedAt: Date;
  id: string;
}

interface NoteRow {
  id: string;
  number: string;
  customer_id: string;
  customer_external_id: string;
  invoice_id: string;
  invoice_number: string;
  reason: CreditNoteReason;
  memo: string | null;
  currency: string;
  subtotal: string;
  tax: string;
  total: string;
  credit_lot_id: string | null;
  issued_at: Date;
}

interface NoteLineRow {
  credit_note_id: string;
  invoice_line_position: number;
  billable_item_key: string | null;
  description: string;
  amount: string;
  service_period_start: Date;
  service_period_end: Date;
}

const SELECT_NOTES = `
  SELECT n.id, n.number, n.customer_id, c.external_id AS customer_external_id, n.invoice_id, i.number AS invoice_number,
         n.reason, n.memo, n.currency, n.subtotal, n.tax, n.total, n.credit_lot_id, n.issued_at
  FROM credit_notes n
  ${customerExternalIdJoin('n.customer_id', 'c')}
  JOIN invoices i ON i.customer_id = n.customer_id AND i.id = n.invoice_id`;

// Numbers come from one counter row taken in the issuing transaction, as invoice
// numbers do: a rolled-back note gives its number back, so issued numbers have no gaps.
const INSERT_NOTE = `
  WITH counter AS (
    UPDATE credit_note_numbering SET last_number = last_number + 1 RETURNING last_number
  )
  INSERT INTO credit_notes (id, number, customer_id, invoice_id, reason, memo, currency, subtotal, tax, total,
                            credit_lot_id, idempotency_key, issued_at)
  SELECT $1, 'CN-' || lpad(last_number::text, greatest(6, length(last_number::text)), '0'),
         $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12
  FROM counter
  RETURNING number`;

/** Credit notes and their lines. Writes run in the caller's transaction. */
@Injectable()
export class CreditNoteRepository {
  constructor(
    private readonly db: DataSource,
    private readonly crm: CrmOutbox,
  ) {}

  /** The customer's note issued under the idempotency key (its holder in global_keys). */
  async findByIdempotencyKey(
    db: Queryable,
    customerId: string,
    key: string,
  ): Promise<CreditNoteView | null> {
    const rows: NoteRow[] = await db.query(
      `${SELECT_NOTES} WHERE n.customer_id = $1 AND n.idempotency_key = $2`,
      [customerId, key],
    );
    const [note] = await this.withLines(rows, db);
    return note ?? null;
  }

  /** The invoice's lines with what earlier credit notes credited of each. */
  async creditableLines(
    db: Queryable,
    customerId: string,
    invoiceId: string,
  ): Promise<CreditableLine[]> {
    const rows: Array<{
      position: number;
      kind: InvoiceLineKind;
      description: string;
      service_period_start: Date;
      service_period_end: Date;
      amount: string;
      credited: string;
    }> = await db.query(
      `SELECT l.position, l.kind, l.description, l.service_period_start, l.service_period_end, l.amount,
              COALESCE((SELECT sum(c.amount) FROM credit_note_lines c
                        WHERE c.customer_id = l.customer_id AND c.invoice_id = l.invoice_id
                          AND c.invoice_line_position = l.position), 0) AS credited
       FROM invoice_lines l WHERE l.customer_id = $1 AND l.invoice_id = $2 ORDER BY l.position`,
      [customerId, invoiceId],
    );
    return rows.map((row) => ({
      position: row.position,
      kind: row.kind,
      description: row.description,
      servicePeriod: { start: row.service_period_start, end: row.service_period_end },
      amount: new Decimal(row.amount),
      credited: new Decimal(row.credited),
    }));
  }

  /** Tax the invoice's earlier credit notes credited. */
  async taxCredited(db: Queryable, customerId: string, invoiceId: string): Promise<Decimal> {
    const [row]: Array<{ tax: string }> = await db.query(
      'SELECT COALESCE(sum(tax), 0) AS tax FROM credit_notes WHERE customer_id = $1 AND invoice_id = $2',
      [customerId, invoiceId],
    );
    return new Decimal(row.tax);
  }

  /**
   * Numbers and writes the note and its lines (its number claimed in
   * global_keys), and hands it to the CRM in the same transaction (every note,
   * whatever its reason, is issued here); answers its number. The caller has
   * claimed its idempotency key.
   */
  async insert(tx: Queryable, note: NewCreditNote): Promise<string> {
    const [{ number }]: Array<{ number: string }> = await tx.query(INSERT_NOTE, [
      note.id,
      note.customerId,
      note.invoiceId,
      note.reason,
      note.memo,
      note.currency,
      toDecimalString(note.subtotal),
      toDecimalString(note.tax),
      toDecimalString(note.total),
      note.creditLotId,
      note.idempotencyKey,
      note.issuedAt.toISOString(),
    ]);
    await claimIssuedKeys(tx, [
      { kind: 'credit_note_number', key: number, customerId: note.customerId },
    ]);
    await tx.query(
      `INSERT INTO credit_note_lines (credit_note_id, position, customer_id, invoice_id, invoice_line_position,
                                      description, amount, service_period_start, service_period_end)
       SELECT $1, l.n - 1, $2, $3, l.invoice_line_position, l.description, l.amount, l.service_start, l.service_end
       FROM unnest($4::int[], $5::text[], $6::numeric[], $7::timestamptz[], $8::timestamptz[])
         WITH ORDINALITY AS l (invoice_line_position, description, amount, service_start, service_end, n)`,
      [
        note.id,
        note.customerId,
        note.invoiceId,
        note.lines.map((line) => line.invoiceLinePosition),
        note.lines.map((line) => line.description),
        note.lines.map((line) => toDecimalString(line.amount)),
        note.lines.map((line) => line.servicePeriod.start.toISOString()),
        note.lines.map((line) => line.servicePeriod.end.toISOString()),
      ],
    );
    const [invoice]: Array<{ number: string; period_start: Date; period_end: Date }> =
      await tx.query(
        'SELECT number, period_start, period_end FROM invoices WHERE id = $1 AND customer_id = $2',
        [note.invoiceId, note.customerId],
      );
    await this.crm.enqueueCreditNote(tx, {
      id: note.id,
      number,
      customerId: note.customerId,
      creditedInvoiceNumber: invoice.number,
      currency: note.currency,
      total: toDecimalString(note.total),
      periodStart: invoice.period_start,
      periodEnd: invoice.period_end,
    });
    return number;
  }

  async findById(id: string, db: Queryable = this.db): Promise<CreditNoteView | null> {
    const rows: NoteRow[] = await db.query(`${SELECT_NOTES} WHERE n.id = $1`, [id]);
    const [note] = await this.withLines(rows, db);
    return note ?? null;
  }

  /** Up to `limit` notes matching the filter, newest first, after `cursor`. */
  async list(
    filter: CreditNoteFilter,
    cursor: CreditNoteCursor | undefined,
    limit: number,
  ): Promise<CreditNoteView[]> {
    const rows: NoteRow[] = await this.db.query(
      `${SELECT_NOTES}
       WHERE ($1::text IS NULL OR c.external_id = $1)
         AND ($2::uuid IS NULL OR n.invoice_id = $2)
         AND ($3::timestamptz IS NULL OR (n.issued_at, n.id) < ($3, $4::uuid))
       ORDER BY n.issued_at DESC, n.id DESC
       LIMIT $5`,
      [
        filter.customerExternalId ?? null,
        filter.invoiceId ?? null,
        cursor?.issuedAt.toISOString() ?? null,
        cursor?.id ?? null,
        limit,
      ],
    );
    return this.withLines(rows, this.db);
  }

  private async withLines(rows: NoteRow[], db: Queryable): Promise<CreditNoteView[]> {
    if (rows.length === 0) return [];
    const lines: NoteLineRow[] = await db.query(
      `SELECT cl.credit_note_id, cl.invoice_line_position, b.key AS billable_item_key, cl.description,
              cl.amount, cl.service_period_start, cl.service_period_end
       FROM credit_note_lines cl
       JOIN invoice_lines l ON l.customer_id = cl.customer_id AND l.invoice_id = cl.invoice_id
                           AND l.position = cl.invoice_line_position
       ${optionalBillableItemKeyJoin('l.billable_item_id', 'b')}
       WHERE cl.customer_id = ANY($1::uuid[]) AND cl.credit_note_id = ANY($2::uuid[])
       ORDER BY cl.credit_note_id, cl.position`,
      [[...new Set(rows.map((row) => row.customer_id))], rows.map((row) => row.id)],
    );
    return rows.map((row) => ({
      id: row.id,
      number: row.number,
      customerExternalId: row.customer_external_id,
      invoiceId: row.invoice_id,
      invoiceNumber: row.invoice_number,
      reason: row.reason,
      memo: row.memo,
      currency: row.currency,
      subtotal: new Decimal(row.subtotal),
      tax: new Decimal(row.tax),
      total: new Decimal(row.total),
      refundedToCredit: row.credit_lot_id !== null,
      issuedAt: row.issued_at,
      lines: lines
        .filter((line) => line.credit_note_id === row.id)
        .map((line) => ({
          invoiceLinePosition: line.invoice_line_position,
          billableItemKey: line.billable_item_key,
          description: line.description,
          servicePeriod: servicePeriodOf(line),
          amount: new Decimal(line.amount),
        })),
    }));
  }
}

function servicePeriodOf(line: NoteLineRow): Interval {
  return { start: line.service_period_start, end: line.service_period_end };
}
