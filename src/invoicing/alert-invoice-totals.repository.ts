import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../common/decimal';

/** What the alerts read of a subscription's invoices: the bill-shock rule's usual bill. */
@Injectable()
export class AlertInvoiceTotalsRepository {
  constructor(private readonly db: DataSource) {}

  /** Finalized invoice totals of a subscription before tax, newest first: what the usual bill is made of. */
  async recentInvoiceTotals(subscriptionId: string, count: number): Promise<Decimal[]> {
    const rows: Array<{ amount: string }> = await this.db.query(
      `SELECT (subtotal + credits_applied)::text AS amount FROM invoices
       WHERE subscription_id = $1 AND status = 'finalized'
       ORDER BY period_start DESC LIMIT $2`,
      [subscriptionId, count],
    );
    return rows.map((row) => new Decimal(row.amount));
  }
}
