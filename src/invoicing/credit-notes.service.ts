import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { RevenueRecorder } from '../analytics/ledger/revenue-recorder.service';
import { Clock } from '../common/clock';
import {
  ConflictError,
  FieldProblem,
  NotFoundError,
  ValidationFailedError,
} from '../common/errors';
import { isUuid } from '../common/ids';
import { CreditLedgerRepository } from '../credits/credit-ledger.repository';
import {
  claimGlobalKeys,
  GlobalKey,
  globalKeyHolder,
  releaseGlobalKeys,
} from '../database/global-key-lookup';
import { inTransaction, Queryable } from '../database/transaction';
import {
  CreditableLine,
  CreditNoteLineDraft,
  creditNoteTotals,
  LineCredit,
  requestedCredits,
  unusedFees,
} from './credit-note-lines';
import {
  CreditNoteCursor,
  CreditNoteFilter,
  CreditNoteReason,
  CreditNoteRepository,
  CreditNoteView,
} from './credit-note.repository';
import { InvoiceRepository, LockedInvoice } from './invoice.repository';

/** What to credit of one invoice, once its lines (and earlier credits) are known. */
export interface CreditNoteRequest {
  reason: CreditNoteReason;
  memo: string | null;
  /** Put the note's total on the customer's credit balance (a top-up lot). */
  refundToCredit: boolean;
  idempotencyKey: string;
  /** The lines to credit, or the problems that refuse the request. */
  lines(
    creditable: readonly CreditableLine[],
  ): { lines: CreditNoteLineDraft[] } | { problems: FieldProblem[] };
  /** Everything left is credited: the note takes all the tax left too. */
  wholeInvoice: boolean;
}

/** Why fees billed in advance stop being used at some instant, and what to do with their credit. */
export interface UnusedFeesCredit {
  reason: Extract<CreditNoteReason, 'early_end' | 'plan_change'>;
  memo: string;
  refundToCredit: boolean;
}

export interface CorrectionInput {
  lines: LineCredit[];
  memo?: string;
  refundToCredit: boolean;
}

export interface CreditNotePage {
  creditNotes: CreditNoteView[];
  nextCursor: CreditNoteCursor | null;
}

/**
 * Issues credit notes (voids, early ends, corrections) and reads them. A note
 * is issued in the transaction of what caused it, under the invoice's row lock,
 * so two notes of one invoice never both take what is left of a line.
 */
@Injectable()
export class CreditNotesService {
  constructor(
    private readonly db: DataSource,
    private readonly notes: CreditNoteRepository,
    private readonly invoices: InvoiceRepository,
    private readonly ledger: CreditLedgerRepository,
    private readonly revenue: RevenueRecorder,
    private readonly clock: Clock,
  ) {}

  /**
   * Issues a note on a locked invoice; null when there is nothing to credit.
   * A retried request (same idempotency key) answers the note it issued: the
   * key's claim in global_keys is the arbiter, so a retry racing the first
   * request waits for it and then answers its note. The key on another
   * invoice is a conflict.
   */
  async issue(
    tx: Queryable,
    invoice: LockedInvoice,
    request: CreditNoteRequest,
  ): Promise<CreditNoteView | null> {
    const key: GlobalKey = { kind: 'credit_note_idempotency_key', key: request.idempotencyKey };
    if ((await claimGlobalKeys(tx, invoice.customerId, [key])).length > 0) {
      const holder = await globalKeyHolder(tx, key);
      const issued =
        holder === null ? null : await this.notes.findByIdempotencyKey(tx, holder, key.key);
      // A key names one request: reused for another invoice it is the caller's mistake, not a retry.
      if (issued !== null && issued.invoiceId !== invoice.id) {
        throw new ConflictError(
          'the Idempotency-Key was used for a credit note on another invoice',
          [
            {
              field: 'Idempotency-Key',
              problem: 'is already used for a credit note on another invoice',
            },
          ],
        );
      }
      return issued;
    }
    const note = await this.issueNew(tx, invoice, request);
    // No note holds the key: a later request under it may still issue one.
    if (note === null) await releaseGlobalKeys(tx, invoice.customerId, [key]);
    return note;
  }

  private async issueNew(
    tx: Queryable,
    invoice: LockedInvoice,
    request: CreditNoteRequest,
  ): Promise<CreditNoteView | null> {
    const creditable = await this.notes.creditableLines(tx, invoice.customerId, invoice.id);
    const chosen = request.lines(creditable);
    if ('problems' in chosen) throw new ValidationFailedError(chosen.problems);
    const drafts = chosen.lines;
    if (drafts.length === 0) return null;
    const taxLeft = invoice.tax.minus(
      await this.notes.taxCredited(tx, invoice.customerId, invoice.id),
    );
    const totals = creditNoteTotals(
      drafts,
      invoice.taxRate,
      invoice.currency,
      taxLeft,
      request.wholeInvoice,
    );
    const id = randomUUID();
    const issuedAt = this.clock.now();
    const creditLotId =
      request.refundToCredit && totals.total.gt(0)
        ? (
            await this.ledger.insertTopUp(tx, {
              customerId: invoice.customerId,
              name: `Credit note on invoice ${invoice.id}`,
              currency: invoice.currency,
              amount: totals.total,
              appliesTo: null,
              validFrom: issuedAt,
              expiresAt: null,
              idempotencyKey: `credit-note:${id}`,
            })
          ).id
        : null;
    await this.notes.insert(tx, {
      id,
      customerId: invoice.customerId,
      invoiceId: invoice.id,
      reason: request.reason,
      memo: request.memo,
      currency: invoice.currency,
      ...totals,
      creditLotId,
      idempotencyKey: request.idempotencyKey,
      issuedAt,
      lines: drafts,
    });
    if (request.reason !== 'void') await this.revenue.recordCreditNote(tx, id);
    return this.notes.findById(id, tx);
  }

  /**
   * Credits the licence fees a subscription's issued invoices billed in advance
   * for service from `cut` on (an early end, a plan change now): one note per
   * such invoice for the unused share by time (credit-note-lines.ts,
   * unusedFees). Keyed by invoice, reason and cut, so a retry issues nothing.
   */
  async creditUnusedFees(
    tx: Queryable,
    subscriptionId: string,
    cut: Date,
    credit: UnusedFeesCredit,
  ): Promise<CreditNoteView[]> {
    const notes: CreditNoteView[] = [];
    for (const invoiceId of await this.invoices.issuedWithServiceAfter(tx, subscriptionId, cut)) {
      const invoice = await this.invoices.lock(tx, invoiceId);
      if (!invoice) continue;
      const note = await this.issue(tx, invoice, {
        ...credit,
        idempotencyKey: `${credit.reason}:${invoiceId}:${cut.toISOString()}`,
        wholeInvoice: false,
        lines: (creditable) => ({ lines: unusedFees(creditable, cut, invoice.currency) }),
      });
      if (note) notes.push(note);
    }
    return notes;
  }

  /** Corrects an overcharge on a finalized invoice: the amounts asked for off the lines named. */
  async correct(
    invoiceId: string,
    input: CorrectionInput,
    idempotencyKey: string | null,
  ): Promise<CreditNoteView> {
    if (!isUuid(invoiceId)) throw new NotFoundError('invoice', invoiceId);
    return inTransaction(this.db, async (tx) => {
      const invoice = await this.invoices.lock(tx, invoiceId);
      if (!invoice) throw new NotFoundError('invoice', invoiceId);
      if (invoice.status !== 'finalized') {
        throw new ConflictError(
          `invoice '${invoiceId}' is ${invoice.status}: only a finalized invoice can be credited`,
        );
      }
      const note = await this.issue(tx, invoice, {
        reason: 'overcharge',
        memo: input.memo ?? null,
        refundToCredit: input.refundToCredit,
        idempotencyKey: idempotencyKey ?? `request:${randomUUID()}`,
        wholeInvoice: false,
        lines: (creditable) => requestedCredits(creditable, input.lines, invoice.currency),
      });
      // The schema asks for at least one positive amount, so a note is always issued.
      if (!note) throw ValidationFailedError.field('lines', 'must credit something');
      return note;
    });
  }

  async list(
    filter: CreditNoteFilter,
    cursor: CreditNoteCursor | undefined,
    limit: number,
  ): Promise<CreditNotePage> {
    const found = await this.notes.list(filter, cursor, limit + 1);
    const creditNotes = found.slice(0, limit);
    const last = creditNotes[creditNotes.length - 1];
    return {
      creditNotes,
      nextCursor: found.length > limit ? { issuedAt: last.issuedAt, id: last.id } : null,
    };
  }

  /** Unknown and malformed ids are both simply not found. */
  async get(id: string): Promise<CreditNoteView> {
    const note = isUuid(id) ? await this.notes.findById(id) : null;
    if (!note) throw new NotFoundError('credit note', id);
    return note;
  }
}
