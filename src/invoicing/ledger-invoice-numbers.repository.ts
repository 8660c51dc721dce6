import { Injectable } from '@nestjs/common';
import { LedgerInvoiceNumbers } from '../credits/ledger-invoice-numbers.port';
import { Queryable } from '../database/transaction';

/** Invoice numbers for the credit ledger's consumptions (the credits module's LEDGER_INVOICE_NUMBERS port). */
@Injectable()
export class LedgerInvoiceNumbersRepository implements LedgerInvoiceNumbers {
  async numbersOf(
    db: Queryable,
    customerId: string,
    invoiceIds: readonly string[],
  ): Promise<Map<string, string | null>> {
    if (invoiceIds.length === 0) return new Map();
    // customer_id first: invoices are placed by customer, so the read stays on one shard.
    const rows: Array<{ id: string; number: string | null }> = await db.query(
      'SELECT id, number FROM invoices WHERE customer_id = $1 AND id = ANY($2::uuid[])',
      [customerId, invoiceIds],
    );
    return new Map(rows.map((row) => [row.id, row.number]));
  }
}
