import {
  SCHEDULE_COLUMNS,
  ScheduleRow,
  scheduleFromRow,
} from '../customers/subscription-schedule-row';
import { Injectable } from '@nestjs/common';
import { Decimal } from '../common/decimal';
import { Queryable } from '../database/transaction';
import { ScheduleInput } from '../common/billing-schedule';
import { GrantToIssue } from './grant-lots';

/** A running subscription whose plan version grants credit, with what grant-lots.ts needs. */
export interface SubscriptionGrants {
  subscriptionId: string;
  customerId: string;
  /** The plan's: credit is granted in the currency the subscription is billed in. */
  currency: string;
  schedule: ScheduleInput;
  grants: GrantToIssue[];
}

interface SubscriptionGrantsRow extends ScheduleRow {
  id: string;
  customer_id: string;
  currency: string;
  grants: Array<{
    id: string;
    name: string;
    amount: string;
    applies_to: string[];
    expires_after_intervals: number | null;
  }>;
}

@Injectable()
export class GrantSubscriptionsRepository {
  /**
   * Up to `limit` subscriptions running at `at` (start ≤ at < end) whose plan
   * version in force at `at` has credit grants, in id order after `afterId`
   * (keyset pages, so memory stays bounded however many subscriptions run).
   * The version in force is the latest plan change effective by then, else the
   * subscription's own.
   */
  async runningWithGrants(
    db: Queryable,
    at: Date,
    afterId: string | null,
    limit: number,
  ): Promise<SubscriptionGrants[]> {
    const rows: SubscriptionGrantsRow[] = await db.query(
      `SELECT s.id, s.customer_id, p.currency, ${SCHEDULE_COLUMNS},
              json_agg(json_build_object('id', g.id, 'name', g.name, 'amount', g.amount::text,
                                         'applies_to', g.applies_to,
                                         'expires_after_intervals', g.expires_after_intervals)
                       ORDER BY g.position) AS grants
       FROM subscriptions s
       JOIN plan_versions v ON v.id = plan_version_at(s.id, $1)
       JOIN plans p ON p.id = v.plan_id
       JOIN plan_version_credit_grants g ON g.plan_version_id = v.id
       WHERE s.start_date <= $1 AND (s.end_date IS NULL OR s.end_date > $1)
         AND ($2::uuid IS NULL OR s.id > $2)
       GROUP BY s.customer_id, s.id, p.currency, v.service_interval_unit, v.service_interval_count
       ORDER BY s.id
       LIMIT $3`,
      [at.toISOString(), afterId, limit],
    );
    return rows.map((row) => ({
      subscriptionId: row.id,
      customerId: row.customer_id,
      currency: row.currency,
      schedule: scheduleFromRow(row),
      grants: row.grants.map((grant) => ({
        id: grant.id,
        name: grant.name,
        amount: new Decimal(grant.amount),
        appliesTo: grant.applies_to,
        expiresAfterIntervals: grant.expires_after_intervals,
      })),
    }));
  }
}
