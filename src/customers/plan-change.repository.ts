import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { planVersionLabelJoin } from '../catalog/plan-version-label-join-sql';
import { Queryable } from '../database/transaction';
import { PlanChange } from './plan-changes';

/** A stored plan change, with the plan key and version number it moves to. */
export interface PlanChangeRecord extends PlanChange {
  subscriptionId: string;
  planKey: string;
  version: number;
}

export interface NewPlanChange extends PlanChange {
  subscriptionId: string;
  /** The request that made a change now (its Idempotency-Key, an alert's or a request's id). */
  idempotencyKey?: string | null;
}

interface PlanChangeRow {
  subscription_id: string;
  plan_version_id: string;
  plan_key: string;
  version: number;
  effective_at: Date;
  mid_period: boolean;
}

const SELECT_CHANGES = `
  SELECT c.subscription_id, c.plan_version_id, v.plan_key, v.version, c.effective_at, c.mid_period
  FROM subscription_plan_changes c
  ${planVersionLabelJoin('c.plan_version_id', 'v')}`;

/** `subscription_plan_changes`: at most one change per subscription and boundary. */
@Injectable()
export class PlanChangeRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Stores the change for its boundary; a later request for the same boundary
   * replaces the version (the last decision before the boundary wins), so a
   * retried request changes nothing.
   */
  async save(change: NewPlanChange, db: Queryable = this.db): Promise<void> {
    await db.query(
      `INSERT INTO subscription_plan_changes (subscription_id, plan_version_id, effective_at, mid_period, idempotency_key)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (subscription_id, effective_at) DO UPDATE
         SET plan_version_id = EXCLUDED.plan_version_id, mid_period = EXCLUDED.mid_period,
             idempotency_key = EXCLUDED.idempotency_key`,
      [
        change.subscriptionId,
        change.planVersionId,
        change.effectiveAt,
        change.midPeriod ?? false,
        change.idempotencyKey ?? null,
      ],
    );
  }

  /** The change a request with this key made, if any. */
  async findByIdempotencyKey(
    subscriptionId: string,
    idempotencyKey: string,
    db: Queryable = this.db,
  ): Promise<PlanChangeRecord | null> {
    const rows: PlanChangeRow[] = await db.query(
      `${SELECT_CHANGES} WHERE c.subscription_id = $1 AND c.idempotency_key = $2`,
      [subscriptionId, idempotencyKey],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Drops the changes still to come after `after`: a change now replaces what was scheduled. */
  async deletePendingAfter(db: Queryable, subscriptionId: string, after: Date): Promise<void> {
    await db.query(
      `WITH deleted AS (DELETE FROM subscription_plan_changes WHERE subscription_id = $1 AND effective_at > $2
                        RETURNING 1)
       SELECT count(*) FROM deleted`,
      [subscriptionId, after],
    );
  }

  /** Every change of each subscription, oldest first; subscriptions without changes get []. */
  async findBySubscriptionIds(
    subscriptionIds: readonly string[],
    db: Queryable = this.db,
  ): Promise<Map<string, PlanChangeRecord[]>> {
    const rows: PlanChangeRow[] = await db.query(
      `${SELECT_CHANGES} WHERE c.subscription_id = ANY($1::uuid[])
       ORDER BY c.subscription_id, c.effective_at`,
      [subscriptionIds],
    );
    const bySubscription = new Map(
      subscriptionIds.map((id): [string, PlanChangeRecord[]] => [id, []]),
    );
    for (const row of rows) bySubscription.get(row.subscription_id)?.push(toRecord(row));
    return bySubscription;
  }

  async findBySubscriptionId(
    subscriptionId: string,
    db: Queryable = this.db,
  ): Promise<PlanChangeRecord[]> {
    return (await this.findBySubscriptionIds([subscriptionId], db)).get(subscriptionId) ?? [];
  }
}

function toRecord(row: PlanChangeRow): PlanChangeRecord {
  return {
    subscriptionId: row.subscription_id,
    planVersionId: row.plan_version_id,
    planKey: row.plan_key,
    version: row.version,
    effectiveAt: row.effective_at,
    midPeriod: row.mid_period,
  };
}
