import {
  SCHEDULE_COLUMNS,
  ScheduleRow,
  scheduleFromRow,
} from '../customers/subscription-schedule-row';
import { Injectable } from '@nestjs/common';
import { versionCreditGrantsJoin } from '../catalog/credit-grant-join-sql';
import { subscriptionsRunningAt } from '../customers/running-subscriptions-sql';
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
      `SELECT s.id, s.customer_id, v.currency, ${SCHEDULE_COLUMNS}, v.grants
       FROM ${subscriptionsRunningAt('$1')} s
       ${versionCreditGrantsJoin('s.plan_version_id', 'v')}
       WHERE $2::uuid IS NULL OR s.id > $2
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
