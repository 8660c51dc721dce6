import { Queryable } from '../database/transaction';

/**
 * The numbers of the invoices a customer's ledger shows against its lots: a
 * port credits owns and invoicing provides (ledger-invoice-numbers.module.ts),
 * as invoicing imports credits to spend credit and `invoices` is invoicing's.
 */
export interface LedgerInvoiceNumbers {
  /** Each of the customer's invoices by id, with its number (null until finalized), in one read. */
  numbersOf(
    db: Queryable,
    customerId: string,
    invoiceIds: readonly string[],
  ): Promise<Map<string, string | null>>;
}

export const LEDGER_INVOICE_NUMBERS = Symbol('LedgerInvoiceNumbers');
