import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../common/decimal';
import { CalendarUnit } from '../common/period';
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

interface SubscriptionRow {
  id: string;
  start_date: Date;
  end_date: Date | null;
  billing_cadence_unit: CalendarUnit;
  billing_cadence_count: number;
  billing_anchor_day: number | null;
  service_interval_unit: CalendarUnit;
  service_interval_count: number;
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
      `SELECT s.id, s.start_date, s.end_date, s.billing_cadence_unit, s.billing_cadence_count, s.billing_anchor_day,
              v.service_interval_unit, v.service_interval_count,
              coalesce((SELECT json_agg(json_build_object('meter_id', m.id, 'meter_key', m.key, 'quantity', l.quantity::text)
                                        ORDER BY m.key)
                        FROM plan_version_limits l JOIN meters m ON m.id = l.meter_id
                        WHERE l.plan_version_id = v.id), '[]') AS limits
       FROM subscriptions s
       JOIN plan_versions v ON v.id = s.plan_version_id
       WHERE s.customer_id = $1 AND s.start_date <= $2 AND (s.end_date IS NULL OR s.end_date > $2)
       ORDER BY s.start_date, s.id`,
      [customerId, at.toISOString()],
    );
    return rows.map((row) => ({
      id: row.id,
      schedule: {
        subscriptionStart: row.start_date,
        subscriptionEnd: row.end_date,
        billingCadence: { unit: row.billing_cadence_unit, count: row.billing_cadence_count },
        anchorDay: row.billing_anchor_day,
        serviceInterval: { unit: row.service_interval_unit, count: row.service_interval_count },
      },
      limits: row.limits.map((limit) => ({
        meterId: limit.meter_id,
        meterKey: limit.meter_key,
        quantity: new Decimal(limit.quantity),
      })),
    }));
  }
}
