import {
  SCHEDULE_COLUMNS,
  ScheduleRow,
  scheduleFromRow,
} from '../customers/subscription-schedule-row';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../common/decimal';
import { ScheduleInput } from '../common/billing-schedule';

export interface MeterLimit {
  meterId: string;
  meterKey: string;
  quantity: Decimal;
}

export interface SubscriptionForUsage {
  id: string;
  schedule: ScheduleInput;
  limits: MeterLimit[];
}

interface SubscriptionRow extends ScheduleRow {
  id: string;
  limits: Array<{ meter_id: string; meter_key: string; quantity: string }>;
}

/** What the usage endpoint reads about a customer: its active subscriptions and their limits. */
@Injectable()
export class UsageSubscriptionsRepository {
  constructor(private readonly db: DataSource) {}

  async findCustomerId(externalId: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.db.query(
      'SELECT id FROM customers WHERE external_id = $1',
      [externalId],
    );
    return rows[0]?.id ?? null;
  }

  /** Subscriptions running at `at` (start ≤ at < end), oldest first, with their plan version's limits. */
  async activeSubscriptions(customerId: string, at: Date): Promise<SubscriptionForUsage[]> {
    const rows: SubscriptionRow[] = await this.db.query(
      `SELECT s.id, ${SCHEDULE_COLUMNS},
              coalesce((SELECT json_agg(json_build_object('meter_id', m.id, 'meter_key', m.key, 'quantity', l.quantity::text)
                                        ORDER BY m.key)
                        FROM plan_version_limits l JOIN meters m ON m.id = l.meter_id
                        WHERE l.plan_version_id = v.id), '[]') AS limits
       FROM subscriptions s
       JOIN plan_versions v ON v.id = plan_version_at(s.id, $2)
       WHERE s.customer_id = $1 AND s.start_date <= $2 AND (s.end_date IS NULL OR s.end_date > $2)
       ORDER BY s.start_date, s.id`,
      [customerId, at.toISOString()],
    );
    return rows.map((row) => ({
      id: row.id,
      schedule: scheduleFromRow(row),
      limits: row.limits.map((limit) => ({
        meterId: limit.meter_id,
        meterKey: limit.meter_key,
        quantity: new Decimal(limit.quantity),
      })),
    }));
  }
}
