import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { ValidationFailedError } from '../common/errors';
import { CreditBalanceService } from '../invoicing/credit-balance.service';
import { AccountUsageProperties } from './crm-provider';

/**
 * Full balances computed at once: each previews the upcoming invoices, a
 * handful of queries. Only customers that can hold credit need one.
 */
const BALANCE_CONCURRENCY = 8;

/**
 * The account figures read at delivery rather than carried in the message,
 * so a message delivered late still pushes them as they are now:
 *
 * - `mrr`: the customer's last complete calendar month in the revenue ledger
 *   (`customer_month_mrr`, reporting currency), the dashboard's own figure,
 *   so sales and leadership see one number. Not the upcoming invoice: that is
 *   a forecast of this month, already pushed as `projectedBill`.
 * - `creditBalance`: CreditBalanceService's balance now (the ledger minus
 *   what the upcoming invoices would consume); absent for a customer without
 *   a currency, who cannot hold credit. One set-based query first sorts out
 *   the customers that cannot hold any credit (no credit lot, and no current
 *   subscription on a plan version with credit grants): their balance is
 *   zero, and is pushed as "0" without the preview. The rest get the full
 *   computation.
 */
@Injectable()
export class CrmAccountFigures {
  constructor(
    private readonly db: DataSource,
    private readonly balances: CreditBalanceService,
    private readonly clock: Clock,
  ) {}

  async of(
    customers: ReadonlyArray<{ id: string; externalId: string }>,
  ): Promise<Map<string, AccountUsageProperties['properties']>> {
    const [mrr, credit] = await Promise.all([
      this.mrr(customers.map((c) => c.id)),
      this.creditBalances(customers),
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

  private async creditBalances(
    customers: ReadonlyArray<{ id: string; externalId: string }>,
  ): Promise<Map<string, string>> {
    const balances = new Map<string, string>();
    const creditless = await this.creditless(customers.map((c) => c.id));
    const previewed: Array<{ id: string; externalId: string }> = [];
    for (const customer of customers) {
      if (creditless.has(customer.id)) balances.set(customer.id, '0');
      else previewed.push(customer);
    }
    let next = 0;
    const worker = async () => {
      for (let customer = previewed[next++]; customer; customer = previewed[next++]) {
        try {
          const balance = await this.balances.balance(customer.externalId);
          balances.set(customer.id, balance.balance.toFixed());
        } catch (error) {
          if (!(error instanceof ValidationFailedError)) throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: BALANCE_CONCURRENCY }, worker));
    return balances;
  }

  /**
   * The customers whose credit balance is zero without a preview: they have a
   * currency (one without has its balance in its plan's currency, or none at
   * all: left to the full computation), no credit lot of any kind, and no
   * current subscription that could grant credit. A subscription could when any
   * plan version it is, was or will be on (its own or a plan change's: a
   * superset of `plan_version_at` at any instant of the previewed interval) has
   * credit grants. With no lot and no grant the previews have nothing to
   * consume: available and pending usage are both zero.
   */
  private async creditless(customerIds: readonly string[]): Promise<Set<string>> {
    if (customerIds.length === 0) return new Set();
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT c.id FROM customers c
       WHERE c.id = ANY($1::uuid[]) AND c.currency IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM credit_lots l WHERE l.customer_id = c.id)
         AND NOT EXISTS (
           SELECT 1 FROM subscriptions s
           WHERE s.customer_id = c.id AND (s.end_date IS NULL OR s.end_date > $2)
             AND EXISTS (
               SELECT 1 FROM plan_version_credit_grants g
               WHERE g.plan_version_id = s.plan_version_id
                  OR g.plan_version_id IN (
                    SELECT pc.plan_version_id FROM subscription_plan_changes pc
                    WHERE pc.subscription_id = s.id)))`,
      [customerIds, this.clock.now().toISOString()],
    );
    return new Set(rows.map((row) => row.id));
  }
}
