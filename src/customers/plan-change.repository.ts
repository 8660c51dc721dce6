import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
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
}

interface PlanChangeRow {
  subscription_id: string;
  plan_version_id: string;
  plan_key: string;
  version: number;
  effective_at: Date;
}

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
      `INSERT INTO subscription_plan_changes (subscription_id, plan_version_id, effective_at)
       VALUES ($1, $2, $3)
       ON CONFLICT (subscription_id, effective_at) DO UPDATE SET plan_version_id = EXCLUDED.plan_version_id`,
      [change.subscriptionId, change.planVersionId, change.effectiveAt],
    );
  }

  /** Every change of each subscription, oldest first; subscriptions without changes get []. */
  async findBySubscriptionIds(
    subscriptionIds: readonly string[],
    db: Queryable = this.db,
  ): Promise<Map<string, PlanChangeRecord[]>> {
    const rows: PlanChangeRow[] = await db.query(
      `SELECT c.subscription_id, c.plan_version_id, p.key AS plan_key, v.version, c.effective_at
       FROM subscription_plan_changes c
       JOIN plan_versions v ON v.id = c.plan_version_id
       JOIN plans p ON p.id = v.plan_id
       WHERE c.subscription_id = ANY($1::uuid[])
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
  };
}
