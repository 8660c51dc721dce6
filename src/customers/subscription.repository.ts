import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { billableItemKeyJoin } from '../catalog/billable-item-key-join-sql';
import { planVersionLabelJoin } from '../catalog/plan-version-label-join-sql';
import { Decimal, toDecimalString } from '../common/decimal';
import { CustomerRow, customersOf } from '../database/customer-routing';
import {
  claimGlobalKeys,
  claimIssuedKeys,
  GlobalKey,
  globalKeyHolder,
} from '../database/global-key-lookup';
import { inTransaction, Queryable } from '../database/transaction';
import { BillingCadence, BillingCadenceUnit } from './dto/subscription.schema';

export interface SubscriptionRecord {
  id: string;
  customerId: string;
  customerExternalId: string;
  planKey: string;
  planVersionId: string;
  version: number;
  /** What its invoices are in (plan-version-currencies.ts). */
  currency: string;
  startDate: Date;
  endDate: Date | null;
  billingCadence: BillingCadence;
  licenceQuantities: Array<{ billableItemKey: string; quantity: Decimal }>;
  createdAt: Date;
}

export interface NewSubscription {
  customerId: string;
  planVersionId: string;
  currency: string;
  startDate: Date;
  endDate: Date | null;
  billingCadence: BillingCadence;
  licences: Array<{ billableItemId: string; quantity: Decimal }>;
  idempotencyKey: string | null;
}

interface SubscriptionRow {
  id: string;
  customer_id: string;
  customer_external_id: string;
  plan_key: string;
  plan_version_id: string;
  version: number;
  currency: string;
  start_date: Date;
  end_date: Date | null;
  billing_cadence_unit: BillingCadenceUnit;
  billing_cadence_count: number;
  billing_anchor_day: number | null;
  licences: Array<{ billableItemKey: string; quantity: string }>;
  created_at: Date;
}

/**
 * The quantity row of `alias` (a subscription_licences row) in force now: the
 * latest of its item, since a change now adds a row from its instant on and
 * none is added ahead of time.
 */
export const licenceInForce = (alias: string) =>
  `NOT EXISTS (SELECT 1 FROM subscription_licences later
               WHERE later.customer_id = ${alias}.customer_id
                 AND later.subscription_id = ${alias}.subscription_id
                 AND later.billable_item_id = ${alias}.billable_item_id
                 AND later.effective_at > ${alias}.effective_at)`;

const SELECT = `
  SELECT s.id, s.customer_id, c.external_id AS customer_external_id, v.plan_key, s.plan_version_id,
         v.version, s.currency, s.start_date, s.end_date, s.billing_cadence_unit, s.billing_cadence_count,
         s.billing_anchor_day, s.created_at,
         COALESCE((SELECT json_agg(json_build_object('billableItemKey', b.key, 'quantity', l.quantity::text) ORDER BY b.key)
                   FROM subscription_licences l ${billableItemKeyJoin('l.billable_item_id', 'b')}
                   WHERE l.customer_id = s.customer_id AND l.subscription_id = s.id AND ${licenceInForce('l')}), '[]') AS licences
  FROM subscriptions s
  JOIN customers c ON c.id = s.customer_id
  ${planVersionLabelJoin('s.plan_version_id', 'v')}`;

function toRecord(row: SubscriptionRow): SubscriptionRecord {
  return {
    id: row.id,
    customerId: row.customer_id,
    customerExternalId: row.customer_external_id,
    planKey: row.plan_key,
    planVersionId: row.plan_version_id,
    version: row.version,
    currency: row.currency,
    startDate: row.start_date,
    endDate: row.end_date,
    billingCadence: {
      unit: row.billing_cadence_unit,
      count: row.billing_cadence_count,
      anchorDay: row.billing_anchor_day,
    },
    licenceQuantities: row.licences.map((licence) => ({
      billableItemKey: licence.billableItemKey,
      quantity: new Decimal(licence.quantity),
    })),
    createdAt: row.created_at,
  };
}

const idempotencyKeyOf = (key: string): GlobalKey => ({
  kind: 'subscription_idempotency_key',
  key,
});

@Injectable()
export class SubscriptionRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Writes the subscription and its licences in one transaction, its id
   * claimed in global_keys (routes naming it alone find its customer there). With an
   * idempotency key already used, writes nothing and returns the subscription
   * that key created; the key's claim in global_keys settles concurrent
   * retries (the second waits for the first and finds the key taken).
   */
  async insert(subscription: NewSubscription): Promise<{ id: string; created: boolean }> {
    return inTransaction(this.db, async (tx) => {
      if (subscription.idempotencyKey !== null) {
        const key = idempotencyKeyOf(subscription.idempotencyKey);
        if ((await claimGlobalKeys(tx, subscription.customerId, [key])).length > 0) {
          const id = await this.idOfIdempotencyKey(tx, key);
          if (id === null)
            throw new Error(`idempotency key '${key.key}' is held by no subscription`);
          return { id, created: false };
        }
      }
      const inserted: Array<{ id: string }> = await tx.query(
        `INSERT INTO subscriptions (customer_id, plan_version_id, start_date, end_date, billing_cadence_unit,
                                    billing_cadence_count, billing_anchor_day, idempotency_key, currency)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         RETURNING id`,
        [
          subscription.customerId,
          subscription.planVersionId,
          subscription.startDate,
          subscription.endDate,
          subscription.billingCadence.unit,
          subscription.billingCadence.count,
          subscription.billingCadence.anchorDay,
          subscription.idempotencyKey,
          subscription.currency,
        ],
      );
      const [{ id }] = inserted;
      await claimIssuedKeys(tx, [
        { kind: 'subscription_id', key: id, customerId: subscription.customerId },
      ]);
      for (const licence of subscription.licences) {
        await tx.query(
          `INSERT INTO subscription_licences (customer_id, subscription_id, billable_item_id, quantity)
           VALUES ($1, $2, $3, $4)`,
          [subscription.customerId, id, licence.billableItemId, toDecimalString(licence.quantity)],
        );
      }
      return { id, created: true };
    });
  }

  /**
   * Claims the subscriptions for a billing transaction, answering those
   * claimed. SKIP LOCKED lets replicas running the same billing run share the
   * work: a subscription another one is billing is left to it instead of
   * waited for. NO KEY UPDATE, unlike UPDATE, lets rows that reference the
   * subscription (credit lots, plan changes) be written meanwhile, and is not
   * skipped because of them.
   */
  async claimForBilling(
    tx: Queryable,
    subscriptions: readonly CustomerRow[],
  ): Promise<Set<string>> {
    const rows: Array<{ id: string }> = await tx.query(
      `SELECT id FROM subscriptions WHERE id = ANY($1::uuid[]) AND customer_id = ANY($2::uuid[])
       ORDER BY id FOR NO KEY UPDATE SKIP LOCKED`,
      [subscriptions.map((subscription) => subscription.id), customersOf(subscriptions)],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** The subscription, locked until the transaction ends (changes to its dates queue on it). */
  async lockById(tx: Queryable, id: string): Promise<SubscriptionRecord | null> {
    const rows: SubscriptionRow[] = await tx.query(
      `${SELECT} WHERE s.id = $1 FOR NO KEY UPDATE OF s`,
      [id],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Licence quantities from `effectiveAt` on (a change now); a retry at the same instant writes the same rows. */
  async saveLicenceQuantities(
    tx: Queryable,
    subscription: { id: string; customerId: string },
    effectiveAt: Date,
    quantities: ReadonlyArray<{ billableItemId: string; quantity: Decimal }>,
  ): Promise<void> {
    for (const { billableItemId, quantity } of quantities) {
      await tx.query(
        `INSERT INTO subscription_licences (customer_id, subscription_id, billable_item_id, quantity, effective_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (customer_id, subscription_id, billable_item_id, effective_at)
           DO UPDATE SET quantity = EXCLUDED.quantity`,
        [
          subscription.customerId,
          subscription.id,
          billableItemId,
          toDecimalString(quantity),
          effectiveAt.toISOString(),
        ],
      );
    }
  }

  async setEndDate(tx: Queryable, id: string, endDate: Date): Promise<void> {
    await tx.query(
      'WITH ended AS (UPDATE subscriptions SET end_date = $2 WHERE id = $1 RETURNING id) SELECT id FROM ended',
      [id, endDate.toISOString()],
    );
  }

  /**
   * For each of these customers, the first instant after `after` at which its
   * subscriptions change by themselves (one starts or ends, a scheduled plan
   * change takes effect): what was read about them stays true until then. A
   * customer without one is absent.
   */
  async nextChangesOfCustomers(
    customerIds: readonly string[],
    after: Date,
  ): Promise<Map<string, Date>> {
    const rows: Array<{ customer_id: string; at: Date }> = await this.db.query(
      `SELECT customer_id, min(at) AS at FROM (
         SELECT s.customer_id, s.start_date AS at FROM subscriptions s
         WHERE s.customer_id = ANY ($1::uuid[]) AND s.start_date > $2
         UNION ALL
         SELECT s.customer_id, s.end_date FROM subscriptions s
         WHERE s.customer_id = ANY ($1::uuid[]) AND s.end_date > $2
         UNION ALL
         SELECT s.customer_id, c.effective_at FROM subscription_plan_changes c JOIN subscriptions s ON s.id = c.subscription_id
         WHERE s.customer_id = ANY ($1::uuid[]) AND c.effective_at > $2
       ) changes GROUP BY customer_id`,
      [customerIds, after.toISOString()],
    );
    return new Map(rows.map((row) => [row.customer_id, row.at]));
  }

  async findById(id: string): Promise<SubscriptionRecord | null> {
    const rows: SubscriptionRow[] = await this.db.query(`${SELECT} WHERE s.id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findByIdempotencyKey(idempotencyKey: string): Promise<SubscriptionRecord | null> {
    const id = await this.idOfIdempotencyKey(this.db, idempotencyKeyOf(idempotencyKey));
    return id === null ? null : this.findById(id);
  }

  /** The subscription an idempotency key created, found on its customer's node through the key's holder. */
  private async idOfIdempotencyKey(db: Queryable, key: GlobalKey): Promise<string | null> {
    const customerId = await globalKeyHolder(db, key);
    if (customerId === null) return null;
    const rows: Array<{ id: string }> = await db.query(
      'SELECT id FROM subscriptions WHERE customer_id = $1 AND idempotency_key = $2',
      [customerId, key.key],
    );
    return rows[0]?.id ?? null;
  }

  async listByCustomer(customerId: string): Promise<SubscriptionRecord[]> {
    const rows: SubscriptionRow[] = await this.db.query(
      `${SELECT} WHERE s.customer_id = $1 ORDER BY s.start_date, s.id`,
      [customerId],
    );
    return rows.map(toRecord);
  }
}
