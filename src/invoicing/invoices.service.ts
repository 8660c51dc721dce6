import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { ConflictError, NotFoundError } from '../common/errors';
import { isUuid } from '../common/ids';
import { inTransaction } from '../database/transaction';
import { InvoiceListQuery } from './dto/invoice-list.schema';
import { InvoiceCursor, InvoiceRepository } from './invoice.repository';
import { InvoiceView } from './invoice-view';
import { everythingLeft } from './credit-note-lines';
import { CreditNoteView } from './credit-note.repository';
import { CreditNotesService } from './credit-notes.service';

export interface VoidedInvoice {
  invoice: InvoiceView;
  /** Issued for a finalized invoice with anything left to credit. */
  creditNote: CreditNoteView | null;
}

export interface InvoicePage {
  invoices: InvoiceView[];
  nextCursor: InvoiceCursor | null;
}

/** Reading invoices, and voiding one. Nothing else changes an invoice once it is finalized. */
@Injectable()
export class InvoicesService {
  constructor(
    private readonly db: DataSource,
    private readonly invoices: InvoiceRepository,
    private readonly clock: Clock,
    private readonly creditNotes: CreditNotesService,
  ) {}

  async list(query: InvoiceListQuery): Promise<InvoicePage> {
    // One more than asked tells whether a next page exists.
    const found = await this.invoices.list(query, query.cursor, query.limit + 1);
    const invoices = found.slice(0, query.limit);
    const last = invoices[invoices.length - 1];
    return {
      invoices,
      nextCursor:
        found.length > query.limit && last.id !== null
          ? { periodStart: last.period.start, id: last.id }
          : null,
    };
  }

  /** Unknown and malformed ids are both simply not found. */
  async get(id: string): Promise<InvoiceView> {
    const invoice = isUuid(id) ? await this.invoices.findById(id) : null;
    if (!invoice) throw new NotFoundError('invoice', id);
    return invoice;
  }

  /**
   * Voids a draft or finalized invoice; it keeps its number. Voiding a finalized
   * invoice issues a credit note for everything not credited yet (a draft was
   * never issued: nothing to credit), optionally refunded to the credit balance.
   * Voiding does not re-open the period (events for its intervals stay refused,
   * and no new invoice is made for it) nor give back the grant credit it consumed.
   */
  async void(id: string, options: { refundToCredit: boolean }): Promise<VoidedInvoice> {
    if (!isUuid(id)) throw new NotFoundError('invoice', id);
    return inTransaction(this.db, async (tx) => {
      const locked = await this.invoices.lock(tx, id);
      if (locked === null) throw new NotFoundError('invoice', id);
      if (locked.status === 'void') throw new ConflictError(`invoice '${id}' is already void`);
      await this.invoices.markVoid(tx, id, this.clock.now());
      const creditNote =
        locked.status === 'finalized'
          ? await this.creditNotes.issue(tx, locked, {
              reason: 'void',
              memo: null,
              refundToCredit: options.refundToCredit,
              idempotencyKey: `void:${id}`,
              wholeInvoice: true,
              lines: (creditable) => ({ lines: everythingLeft(creditable) }),
            })
          : null;
      const invoice = await this.invoices.findById(id, tx);
      if (!invoice) throw new NotFoundError('invoice', id);
      return { invoice, creditNote };
    });
  }
}
