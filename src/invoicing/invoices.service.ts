import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { ConflictError, NotFoundError } from '../common/errors';
import { isUuid } from '../common/ids';
import { inTransaction } from '../database/transaction';
import { InvoiceListQuery } from './dto/invoice-list.schema';
import { InvoiceCursor, InvoiceRepository } from './invoice.repository';
import { InvoiceView } from './invoice-view';

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
   * Voids a draft or finalized invoice; it keeps its number. Voiding does not
   * re-open the period (events for its intervals stay refused, and no new invoice
   * is made for it) nor give back the credit it consumed: a correction is a new
   * charge or a top-up.
   */
  async void(id: string): Promise<InvoiceView> {
    if (!isUuid(id)) throw new NotFoundError('invoice', id);
    return inTransaction(this.db, async (tx) => {
      const status = await this.invoices.lockStatus(tx, id);
      if (status === null) throw new NotFoundError('invoice', id);
      if (status === 'void') throw new ConflictError(`invoice '${id}' is already void`);
      await this.invoices.markVoid(tx, id, this.clock.now());
      const invoice = await this.invoices.findById(id, tx);
      if (!invoice) throw new NotFoundError('invoice', id);
      return invoice;
    });
  }
}
