import { Injectable } from '@nestjs/common';
import { CustomerRow } from '../../database/customer-routing';
import { Queryable } from '../../database/transaction';
import { ExchangeRates } from './exchange-rates.service';
import { RevenueLedgerRepository } from './revenue-ledger.repository';

/**
 * The hook invoicing calls when it finalizes an invoice, in the same
 * transaction, so the ledger holds an invoice's revenue exactly when the
 * invoice is finalized. Voiding needs no hook: a trigger on invoices takes a
 * voided invoice's revenue out of the maintained customer-month MRR. An invoice in a currency without a configured rate is
 * recorded with no reporting amount (and left out of analytics) rather than
 * failing the billing run.
 */
@Injectable()
export class RevenueRecorder {
  constructor(
    private readonly ledger: RevenueLedgerRepository,
    private readonly rates: ExchangeRates,
  ) {}

  async recordFinalizedInvoices(tx: Queryable, invoices: readonly CustomerRow[]): Promise<void> {
    if (invoices.length > 0) await this.ledger.recordInvoices(tx, invoices, this.rates.asArrays());
  }

  /**
   * A credit note on an invoice still standing takes revenue back. One issued
   * by voiding records nothing: the void already took the invoice's revenue out.
   */
  recordCreditNote(tx: Queryable, creditNoteId: string): Promise<void> {
    return this.ledger.recordCreditNote(tx, creditNoteId, this.rates.asArrays());
  }
}
