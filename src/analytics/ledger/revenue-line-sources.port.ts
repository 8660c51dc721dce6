/**
 * The lines the revenue ledger recognizes, as SQL relations written by
 * invoicing, which owns the invoice and credit note tables: composed into the
 * ledger's INSERT … SELECT, so recording a billing chunk's invoices stays one
 * statement in the finalizing transaction. A port analytics owns and
 * invoicing binds (revenue-ledger-lines.module.ts), as invoicing imports the
 * ledger to record what it finalizes: dependencies point one way.
 *
 * Each relation has the columns customer_id, invoice_id, currency, amount
 * (before tax; a credit line's negative), service_period_start and
 * service_period_end; a credit note's also has credit_note_id (its
 * invoice_id is the credited invoice).
 */
export interface RevenueLineSources {
  /**
   * The lines of the finalized invoices among `invoiceIds`, of the customers
   * `customerIds` (SQL uuid[] expressions; the customers route it on Citus).
   */
  finalizedInvoiceLines(invoiceIds: string, customerIds: string): string;
  /** The lines of the credit note `creditNoteId` (an SQL uuid expression). */
  creditNoteLines(creditNoteId: string): string;
}

export const REVENUE_LINE_SOURCES = Symbol('RevenueLineSources');
