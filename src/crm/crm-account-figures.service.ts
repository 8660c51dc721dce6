import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { CRM_CREDIT_BALANCES, CrmCreditBalances, CrmCustomerRef } from './crm-account-ports';
import { AccountUsageProperties } from './crm-provider';

/**
 * The account figures read at delivery rather than carried in the message,
 * so a message delivered late still pushes them as they are now:
 *
 * - `mrr`: the customer's last complete calendar month in the revenue ledger
 *   (`customer_month_mrr`, reporting currency), the dashboard's own figure,
 *   so sales and leadership see one number. Not the upcoming invoice: that is
 *   a forecast of this month, already pushed as `projectedBill`.
 * - `creditBalance`: the balance now, from the `CRM_CREDIT_BALANCES` port
 *   (invoicing provides it: the ledger minus what the upcoming invoices would
 *   consume); absent for a customer who cannot hold credit.
 */
@Injectable()
export class CrmAccountFigures {
  constructor(
    private readonly db: DataSource,
    @Inject(CRM_CREDIT_BALANCES) private readonly credit: CrmCreditBalances,
    private readonly clock: Clock,
  ) {}

  async of(
    customers: readonly CrmCustomerRef[],
  ): Promise<Map<string, AccountUsageProperties['properties']>> {
    const [mrr, credit] = await Promise.all([
      this.mrr(customers.map((c) => c.id)),
      this.credit.balances(customers),
    ]);
    return new Map(
      customers.map((c) => [
        c.id,
        {
          mrr: mrr.get(c.id) ?? '0',
          ...(credit.has(c.id) ? { creditBalance: credit.get(c.id) } : {}),
        },
      ]),
    );
  }

  private async mrr(customerIds: readonly string[]): Promise<Map<string, string>> {
    const now = this.clock.now();
    const lastMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
    // The ledger's maintained customer-month MRR (a missing month is a zero month).
    const rows: Array<{ customer_id: string; mrr: string }> = await this.db.query(
      `SELECT customer_id, mrr::text AS mrr FROM customer_month_mrr
       WHERE month = $1::date AND customer_id = ANY($2::uuid[])`,
      [lastMonth.toISOString().slice(0, 10), customerIds],
    );
    return new Map(rows.map((row) => [row.customer_id, row.mrr]));
  }
}
