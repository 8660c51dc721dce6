import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { billableItemKeyJoin } from '../catalog/billable-item-key-join-sql';
import {
  PlanVersionLimit,
  PlanVersionLimitJson,
  planVersionLimits,
  planVersionWithLimitsJoin,
} from '../catalog/plan-version-with-limits-join-sql';
import { ScheduleInput } from '../common/billing-schedule';
import { Decimal } from '../common/decimal';
import { licenceInForce } from './subscription.repository';
import { SCHEDULE_COLUMNS, ScheduleRow, scheduleFromRow } from './subscription-schedule-row';

/** A subscription with its customer, the plan version in force at an instant, its limits and its licences. */
export interface SubscriptionWithLimits {
  subscriptionId: string;
  customerId: string;
  customerExternalId: string;
  planId: string;
  planKey: string;
  planVersionId: string;
  version: number;
  currency: string;
  schedule: ScheduleInput;
  /** By meter key. */
  limits: PlanVersionLimit[];
  /** By billable item key. */
  licenceQuantities: Record<string, Decimal>;
}

interface SubscriptionRow extends ScheduleRow {
  id: string;
  customer_id: string;
  external_id: string;
  plan_id: string;
  plan_key: string;
  plan_version_id: string;
  version: number;
  currency: string;
  limits: PlanVersionLimitJson[];
  licences: Array<{ key: string; quantity: string }>;
}

/** `$1` is the instant whose plan version applies; the catalog's part is composed in (one statement per batch). */
const SELECT_SUBSCRIPTIONS = `
  SELECT s.id, s.customer_id, c.external_id, v.plan_id, v.plan_key, v.id AS plan_version_id, v.version, s.currency,
         ${SCHEDULE_COLUMNS}, v.limits,
         coalesce((SELECT json_agg(json_build_object('key', b.key, 'quantity', sl.quantity::text))
                   FROM subscription_licences sl ${billableItemKeyJoin('sl.billable_item_id', 'b')}
                   WHERE sl.customer_id = s.customer_id AND sl.subscription_id = s.id
                     AND ${licenceInForce('sl')}), '[]') AS licences
  FROM subscriptions s
  JOIN customers c ON c.id = s.customer_id
  ${planVersionWithLimitsJoin('plan_version_at(s.id, $1)', 'v')}`;

function toSubscription(row: SubscriptionRow): SubscriptionWithLimits {
  return {
    subscriptionId: row.id,
    customerId: row.customer_id,
    customerExternalId: row.external_id,
    planId: row.plan_id,
    planKey: row.plan_key,
    planVersionId: row.plan_version_id,
    version: row.version,
    currency: row.currency,
    schedule: scheduleFromRow(row),
    limits: planVersionLimits(row.limits),
    licenceQuantities: Object.fromEntries(
      row.licences.map((licence) => [licence.key, new Decimal(licence.quantity)]),
    ),
  };
}

/**
 * Subscriptions as limits and usage look at them: the usage report, alert
 * evaluation after ingest, entitlement checks and forecasts. Each read is one
 * statement, whatever the number of subscriptions.
 */
@Injectable()
export class SubscriptionsWithLimitsRepository {
  constructor(private readonly db: DataSource) {}

  async findById(subscriptionId: string, at: Date): Promise<SubscriptionWithLimits | null> {
    const rows: SubscriptionRow[] = await this.db.query(`${SELECT_SUBSCRIPTIONS} WHERE s.id = $2`, [
      at.toISOString(),
      subscriptionId,
    ]);
    return rows.length > 0 ? toSubscription(rows[0]) : null;
  }

  /** Subscriptions running at `at` (start ≤ at < end) of these customers (all when null), by customer then oldest first. */
  async running(
    customerIds: readonly string[] | null,
    at: Date,
  ): Promise<SubscriptionWithLimits[]> {
    const rows: SubscriptionRow[] = await this.db.query(
      `${SELECT_SUBSCRIPTIONS}
       WHERE ($2::uuid[] IS NULL OR s.customer_id = ANY ($2))
         AND s.start_date <= $1 AND (s.end_date IS NULL OR s.end_date > $1)
       ORDER BY s.customer_id, s.start_date, s.id`,
      [at.toISOString(), customerIds],
    );
    return rows.map(toSubscription);
  }
}
