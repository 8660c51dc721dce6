import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { VERSIONS_WITH_CREDIT_GRANTS } from '../catalog/credit-grant-join-sql';
import { Clock } from '../common/clock';
import { ValidationFailedError } from '../common/errors';
import { customerHasCreditLot } from '../credits/credit-lots-sql';
import { CrmCreditBalances, CrmCustomerRef } from '../crm/crm-account-ports';
import {
  currentSubscriptionOnAnyOf,
  customersWithCurrencyAmong,
} from '../customers/credit-holders-sql';
import { CreditBalanceService } from './credit-balance.service';

/**
 * Full balances computed at once: each previews the upcoming invoices, a
 * handful of queries. Only customers that can hold credit need one.
 */
const BALANCE_CONCURRENCY = 8;

/**
 * Many customers' credit balances now, for the CRM sync (its
 * `CRM_CREDIT_BALANCES` port): CreditBalanceService's balance (the ledger
 * minus what the upcoming invoices would consume); absent for a customer
 * without a currency, who cannot hold credit. One set-based query first sorts
 * out the customers that cannot hold any credit (no credit lot, and no current
 * subscription on a plan version with credit grants): their balance is zero,
 * and is given as "0" without the preview. The rest get the full computation.
 */
@Injectable()
export class AccountCreditBalances implements CrmCreditBalances {
  constructor(
    private readonly db: DataSource,
    private readonly balance: CreditBalanceService,
    private readonly clock: Clock,
  ) {}

  async balances(customers: readonly CrmCustomerRef[]): Promise<Map<string, string>> {
    const balances = new Map<string, string>();
    const creditless = await this.creditless(customers.map((c) => c.id));
    const previewed: CrmCustomerRef[] = [];
    for (const customer of customers) {
      if (creditless.has(customer.id)) balances.set(customer.id, '0');
      else previewed.push(customer);
    }
    let next = 0;
    const worker = async () => {
      for (let customer = previewed[next++]; customer; customer = previewed[next++]) {
        try {
          const balance = await this.balance.balance(customer.externalId);
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
      `SELECT c.id FROM ${customersWithCurrencyAmong('$1::uuid[]')} c
       WHERE NOT ${customerHasCreditLot('c.id')}
         AND NOT ${currentSubscriptionOnAnyOf('c.id', '$2', VERSIONS_WITH_CREDIT_GRANTS)}`,
      [customerIds, this.clock.now().toISOString()],
    );
    return new Set(rows.map((row) => row.id));
  }
}
