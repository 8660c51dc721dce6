import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../common/decimal';
import { Queryable } from '../database/transaction';
import { QuotaOverage } from './dto/quota.schema';
import { QuotaAlignment, QuotaKind, QuotaWindow } from './quota-window';

/** A quota as stored: its meter by id. */
export interface StoredQuota {
  meterId: string;
  window: QuotaWindow;
  alignment: QuotaAlignment;
  quantity: Decimal;
  kind: QuotaKind;
  overage: QuotaOverage;
}

export type QuotaSource = 'plan' | 'subscription';

export interface QuotaInForce extends StoredQuota {
  subscriptionId: string;
  source: QuotaSource;
}

interface QuotaRow {
  owner_id: string;
  source: QuotaSource;
  meter_id: string;
  quota_window: QuotaWindow;
  alignment: QuotaAlignment;
  quantity: string;
  kind: QuotaKind;
  overage: QuotaOverage;
}

const COLUMNS = 'meter_id, quota_window, alignment, quantity::text AS quantity, kind, overage';

const OWNER_TABLES = {
  plan: { table: 'entitlement_plan_quotas', owner: 'plan_version_id' },
  subscription: { table: 'entitlement_subscription_quotas', owner: 'subscription_id' },
} as const;

function toQuota(row: QuotaRow): StoredQuota {
  return {
    meterId: row.meter_id,
    window: row.quota_window,
    alignment: row.alignment,
    quantity: new Decimal(row.quantity),
    kind: row.kind,
    overage: row.overage,
  };
}

/** The quotas of plan versions and the negotiated quotas of subscriptions. */
@Injectable()
export class QuotasRepository {
  constructor(private readonly db: DataSource) {}

  async list(source: QuotaSource, ownerId: string): Promise<StoredQuota[]> {
    const { table, owner } = OWNER_TABLES[source];
    const rows: QuotaRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM ${table} WHERE ${owner} = $1 ORDER BY position`,
      [ownerId],
    );
    return rows.map(toQuota);
  }

  /**
   * Replaces the owner's quotas with these, in one statement pair of the
   * caller's transaction. A subscription's quotas carry its customer (null for
   * a plan's), their distribution column on Citus.
   */
  async replace(
    tx: Queryable,
    source: QuotaSource,
    ownerId: string,
    quotas: readonly StoredQuota[],
    customerId: string | null = null,
  ): Promise<void> {
    const { table, owner } = OWNER_TABLES[source];
    const customer =
      customerId === null
        ? { column: '', value: '' }
        : { column: ', customer_id', value: ', $9::uuid' };
    await tx.query(`DELETE FROM ${table} WHERE ${owner} = $1`, [ownerId]);
    if (quotas.length === 0) return;
    await tx.query(
      `INSERT INTO ${table} (${owner}, meter_id, quota_window, alignment, quantity, kind, overage, position${customer.column})
       SELECT $1, *${customer.value} FROM unnest($2::uuid[], $3::text[], $4::text[], $5::numeric[], $6::text[], $7::text[], $8::int[])`,
      [
        ownerId,
        quotas.map((quota) => quota.meterId),
        quotas.map((quota) => quota.window),
        quotas.map((quota) => quota.alignment),
        quotas.map((quota) => quota.quantity.toFixed()),
        quotas.map((quota) => quota.kind),
        quotas.map((quota) => quota.overage),
        quotas.map((_, position) => position),
        ...(customerId === null ? [] : [customerId]),
      ],
    );
  }

  /**
   * The quotas in force for each subscription on its plan version: the
   * subscription's own quota replaces the plan's of the same meter, window and
   * alignment; the others add to them. One statement for every subscription.
   */
  async inForce(
    subscriptions: ReadonlyArray<{
      customerId: string;
      subscriptionId: string;
      planVersionId: string;
    }>,
    db: Queryable = this.db,
  ): Promise<QuotaInForce[]> {
    if (subscriptions.length === 0) return [];
    const rows: QuotaRow[] = await db.query(
      `WITH subject AS (
         SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[])
           AS s (subscription_id, plan_version_id, customer_id)
       ), own AS (
         SELECT q.subscription_id AS owner_id, 'subscription' AS source, ${COLUMNS}, q.position
         FROM entitlement_subscription_quotas q
         JOIN subject ON q.customer_id = subject.customer_id AND q.subscription_id = subject.subscription_id
         WHERE q.customer_id = ANY($3::uuid[])
       )
       SELECT * FROM own
       UNION ALL
       SELECT subject.subscription_id, 'plan', ${COLUMNS}, q.position
       FROM entitlement_plan_quotas q JOIN subject USING (plan_version_id)
       WHERE NOT EXISTS (SELECT 1 FROM own
                         WHERE own.owner_id = subject.subscription_id AND own.meter_id = q.meter_id
                           AND own.quota_window = q.quota_window AND own.alignment = q.alignment)
       ORDER BY owner_id, source, position`,
      [
        subscriptions.map((subscription) => subscription.subscriptionId),
        subscriptions.map((subscription) => subscription.planVersionId),
        subscriptions.map((subscription) => subscription.customerId),
      ],
    );
    return rows.map((row) => ({
      ...toQuota(row),
      subscriptionId: row.owner_id,
      source: row.source,
    }));
  }

  /** The quotas of each of these plan versions (a version without any maps to none). */
  async ofPlanVersions(versionIds: readonly string[]): Promise<Map<string, StoredQuota[]>> {
    const rows: QuotaRow[] = await this.db.query(
      `SELECT plan_version_id AS owner_id, 'plan' AS source, ${COLUMNS}
       FROM entitlement_plan_quotas WHERE plan_version_id = ANY ($1::uuid[]) ORDER BY position`,
      [versionIds],
    );
    const byVersion = new Map<string, StoredQuota[]>(versionIds.map((id) => [id, []]));
    for (const row of rows) byVersion.get(row.owner_id)?.push(toQuota(row));
    return byVersion;
  }

  /**
   * Meters that carry a quota for any of the customers `customerIds` (an SQL
   * array expression): every plan's quotas, and these customers' subscriptions'
   * own. Only their usage is counted for quotas; naming the customers keeps the
   * subscriptions' quotas read on their node (README, "Scaling").
   */
  static quotaMeters(customerIds: string): string {
    return `SELECT meter_id FROM entitlement_plan_quotas
    UNION SELECT meter_id FROM entitlement_subscription_quotas WHERE customer_id = ANY (${customerIds})`;
  }

  async quotaMeterIds(
    customerIds: readonly string[],
    db: Queryable = this.db,
  ): Promise<Set<string>> {
    const rows: Array<{ meter_id: string }> = await db.query(
      QuotasRepository.quotaMeters('$1::uuid[]'),
      [customerIds],
    );
    return new Set(rows.map((row) => row.meter_id));
  }
}
