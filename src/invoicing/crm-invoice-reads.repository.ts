import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CrmInvoiceReads, CrmInvoiceRow } from '../crm/crm-invoice-reads.port';

/** Invoicing's side of the CRM's `CRM_INVOICE_READS` port (crm-invoice-reads.module.ts). */
@Injectable()
export class CrmInvoiceReadsRepository implements CrmInvoiceReads {
  constructor(private readonly db: DataSource) {}

  async latestInvoiceTotals(customerIds: readonly string[]): Promise<Map<string, string>> {
    if (customerIds.length === 0) return new Map();
    const rows: Array<{ customer_id: string; total: string }> = await this.db.query(
      `SELECT DISTINCT ON (customer_id) customer_id, total::text AS total
       FROM invoices WHERE customer_id = ANY($1::uuid[]) AND status = 'finalized'
       ORDER BY customer_id, period_end DESC, finalized_at DESC, number DESC`,
      [customerIds],
    );
    return new Map(rows.map((row) => [row.customer_id, row.total]));
  }

  async invoices(ids: readonly string[]): Promise<Map<string, CrmInvoiceRow>> {
    const rows: Array<{
      id: string;
      number: string;
      status: string;
      currency: string;
      total: string;
      period_start: Date;
      period_end: Date;
    }> = await this.db.query(
      `SELECT id, number, status, currency, total::text AS total, period_start, period_end
       FROM invoices WHERE id = ANY($1::uuid[]) AND number IS NOT NULL`,
      [ids],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          number: row.number,
          status: row.status,
          currency: row.currency,
          total: row.total,
          periodStart: row.period_start,
          periodEnd: row.period_end,
        },
      ]),
    );
  }
}
