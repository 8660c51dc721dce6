import { Inject, Injectable } from '@nestjs/common';
import { CustomerRetentionRepository } from '../analytics/metrics/customer-retention.repository';
import { addMonths } from '../analytics/month';
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
    private readonly retention: CustomerRetentionRepository,
    @Inject(CRM_CREDIT_BALANCES) private readonly credit: CrmCreditBalances,
    private readonly clock: Clock,
  ) {}

  async of(
    customers: readonly CrmCustomerRef[],
  ): Promise<Map<string, AccountUsageProperties['properties']>> {
    const [mrr, credit] = await Promise.all([
      // The ledger's maintained customer-month MRR of the last complete month.
      this.retention.mrrIn(
        addMonths(this.clock.now().toISOString().slice(0, 7), -1),
        customers.map((c) => c.id),
      ),
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
}
