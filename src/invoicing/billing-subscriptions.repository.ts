import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../common/decimal';
import { CalendarUnit } from '../common/period';
import {
  BILLING_SUBSCRIPTION_COLUMNS,
  BILLING_SUBSCRIPTIONS,
} from '../customers/billing-subscriptions-sql';
import { SubscriptionRepository } from '../customers/subscription.repository';
import { CustomerRow, customersOf } from '../database/customer-routing';
import { globalKeyHolder } from '../database/global-key-lookup';
import { Queryable } from '../database/transaction';
import { BillableSubscription } from './billable-subscription';

/** A subscription in a billing run's stream, with where its invoices stop. */
export interface SubscriptionToBill {
  subscription: BillableSubscription;
  /** End of the period of its latest invoice; null before the first one. */
  invoicedUntil: Date | null;
}

interface SubscriptionRow {
  id: string;
  customer_id: string;
  customer_external_id: string;
  currency: string;
  tax_rate: string;
  start_date: Date;
  end_date: Date | null;
  billing_cadence_unit: CalendarUnit;
  billing_cadence_count: number;
  billing_anchor_day: number | null;
  plan_version_id: string;
  plan_changes: Array<{ plan_version_id: string; effective_at: string; mid_period: boolean }>;
  licences: Array<{ billable_item_id: string; quantity: string; effective_at: string | null }>;
}

const SELECT = `SELECT ${BILLING_SUBSCRIPTION_COLUMNS} FROM ${BILLING_SUBSCRIPTIONS}`;

/**
 * A billing run's stream: the next subscriptions in id order. It reads every
 * customer by design (on Citus, every node once per batch of hundreds); the
 * work it feeds names each subscription's customer.
 */
export const SUBSCRIPTIONS_TO_BILL = `
  SELECT ${BILLING_SUBSCRIPTION_COLUMNS},
         (SELECT max(i.period_end) FROM invoices i
          WHERE i.customer_id = s.customer_id AND i.subscription_id = s.id) AS invoiced_until
  FROM ${BILLING_SUBSCRIPTIONS}
  WHERE ($1::uuid IS NULL OR s.id > $1) AND s.start_date < $2
    -- an ended subscription whose last period is invoiced has nothing left to bill
    AND NOT EXISTS (SELECT 1 FROM invoices i
                    WHERE i.customer_id = s.customer_id AND i.subscription_id = s.id
                      AND i.period_end >= date_trunc('hour', s.end_date, 'UTC'))
  ORDER BY s.id LIMIT $3`;

function toSubscription(row: SubscriptionRow): BillableSubscription {
  return {
    id: row.id,
    customerId: row.customer_id,
    customerExternalId: row.customer_external_id,
    currency: row.currency,
    taxRate: new Decimal(row.tax_rate),
    start: row.start_date,
    end: row.end_date,
    billingCadence: { unit: row.billing_cadence_unit, count: row.billing_cadence_count },
    anchorDay: row.billing_anchor_day,
    planVersionId: row.plan_version_id,
    planChanges: row.plan_changes.map((change) => ({
      planVersionId: change.plan_version_id,
      effectiveAt: new Date(change.effective_at),
      midPeriod: change.mid_period,
    })),
    licenceQuantities: new Map(
      row.licences
        .filter((licence) => licence.effective_at === null)
        .map((licence) => [licence.billable_item_id, new Decimal(licence.quantity)]),
    ),
    licenceChanges: row.licences.flatMap(({ billable_item_id, quantity, effective_at }) =>
      effective_at === null
        ? []
        : [
            {
              billableItemId: billable_item_id,
              quantity: new Decimal(quantity),
              effectiveAt: new Date(effective_at),
            },
          ],
    ),
  };
}

/** The subscriptions billing reads: streamed in id order for runs, one at a time for previews. */
@Injectable()
export class BillingSubscriptionsRepository {
  constructor(
    private readonly db: DataSource,
    private readonly subscriptions: SubscriptionRepository,
  ) {}

  /**
   * Up to `limit` subscriptions after `afterId` (keyset pagination: each batch is
   * one indexed range read, and memory holds one batch) that started before
   * `startedBefore`, leaving out ended ones invoiced up to their end.
   */
  async batchAfter(
    afterId: string | null,
    startedBefore: Date,
    limit: number,
  ): Promise<SubscriptionToBill[]> {
    const rows: Array<SubscriptionRow & { invoiced_until: Date | null }> = await this.db.query(
      SUBSCRIPTIONS_TO_BILL,
      [afterId, startedBefore.toISOString(), limit],
    );
    return rows.map((row) => ({
      subscription: toSubscription(row),
      invoicedUntil: row.invoiced_until,
    }));
  }

  /** Its customer found first in global_keys, so on Citus both reads go to one node each. */
  async findById(id: string): Promise<BillableSubscription | null> {
    const customerId = await globalKeyHolder(this.db, { kind: 'subscription_id', key: id });
    if (customerId === null) return null;
    const rows: SubscriptionRow[] = await this.db.query(
      `${SELECT} WHERE s.id = $1 AND s.customer_id = $2`,
      [id, customerId],
    );
    return rows[0] ? toSubscription(rows[0]) : null;
  }

  /** The customer's subscriptions running at `at` (or not started yet), oldest first. */
  async listCurrent(customerId: string, at: Date): Promise<BillableSubscription[]> {
    const rows: SubscriptionRow[] = await this.db.query(
      `${SELECT} WHERE s.customer_id = $1 AND (s.end_date IS NULL OR s.end_date > $2)
       ORDER BY s.start_date, s.id`,
      [customerId, at.toISOString()],
    );
    return rows.map(toSubscription);
  }

  /**
   * Claims the subscriptions for this transaction, answering those claimed;
   * one another replica is billing is skipped (SubscriptionRepository.claimForBilling).
   */
  claim(tx: Queryable, subscriptions: readonly CustomerRow[]): Promise<Set<string>> {
    return this.subscriptions.claimForBilling(tx, subscriptions);
  }

  /**
   * Where each subscription's invoices stop (end of its latest period), read
   * after claiming it, so it counts the invoices of whoever billed it before.
   */
  async invoicedUntil(
    tx: Queryable,
    subscriptions: readonly CustomerRow[],
  ): Promise<Map<string, Date>> {
    const rows: Array<{ subscription_id: string; invoiced_until: Date }> = await tx.query(
      `SELECT subscription_id, max(period_end) AS invoiced_until FROM invoices
       WHERE subscription_id = ANY($1::uuid[]) AND customer_id = ANY($2::uuid[]) GROUP BY subscription_id`,
      [subscriptions.map((subscription) => subscription.id), customersOf(subscriptions)],
    );
    return new Map(rows.map((row) => [row.subscription_id, row.invoiced_until]));
  }
}
