import { licenceInForce } from '../customers/subscription.repository';
import {
  SCHEDULE_COLUMNS,
  ScheduleRow,
  scheduleFromRow,
} from '../customers/subscription-schedule-row';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Aggregation } from '../catalog/dto/meter.schema';
import { Decimal } from '../common/decimal';
import { ScheduleInput } from '../common/billing-schedule';

export interface SubjectMeterLimit {
  meterId: string;
  meterKey: string;
  meterName: string;
  unit: string | null;
  aggregation: Aggregation;
  quantity: Decimal;
}

/** A subscription with what forecasts and alerts need about it, its plan and its customer. */
export interface ForecastSubject {
  subscriptionId: string;
  customerId: string;
  customerExternalId: string;
  planId: string;
  planKey: string;
  planVersionId: string;
  version: number;
  currency: string;
  schedule: ScheduleInput;
  limits: SubjectMeterLimit[];
  /** By billable item key. */
  licenceQuantities: Record<string, Decimal>;
}

interface SubjectRow extends ScheduleRow {
  id: string;
  customer_id: string;
  external_id: string;
  plan_id: string;
  plan_key: string;
  plan_version_id: string;
  version: number;
  currency: string;
  limits: Array<{
    meter_id: string;
    meter_key: string;
    name: string;
    unit: string | null;
    aggregation: Aggregation;
    quantity: string;
  }>;
  licences: Array<{ key: string; quantity: string }>;
}

/** `$1` is the instant whose plan version applies. */
const SELECT_SUBJECTS = `
  SELECT s.id, s.customer_id, c.external_id, p.id AS plan_id, p.key AS plan_key, v.id AS plan_version_id, v.version, s.currency,
         ${SCHEDULE_COLUMNS},
         coalesce((SELECT json_agg(json_build_object('meter_id', m.id, 'meter_key', m.key, 'name', m.name,
                                                     'unit', m.unit, 'aggregation', m.aggregation,
                                                     'quantity', l.quantity::text) ORDER BY m.key)
                   FROM plan_version_limits l JOIN meters m ON m.id = l.meter_id
                   WHERE l.plan_version_id = v.id), '[]') AS limits,
         coalesce((SELECT json_agg(json_build_object('key', b.key, 'quantity', sl.quantity::text))
                   FROM subscription_licences sl JOIN billable_items b ON b.id = sl.billable_item_id
                   WHERE sl.subscription_id = s.id AND ${licenceInForce('sl')}), '[]') AS licences
  FROM subscriptions s
  JOIN customers c ON c.id = s.customer_id
  JOIN plan_versions v ON v.id = plan_version_at(s.id, $1)
  JOIN plans p ON p.id = v.plan_id`;

function toSubject(row: SubjectRow): ForecastSubject {
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
    limits: row.limits.map((limit) => ({
      meterId: limit.meter_id,
      meterKey: limit.meter_key,
      meterName: limit.name,
      unit: limit.unit,
      aggregation: limit.aggregation,
      quantity: new Decimal(limit.quantity),
    })),
    licenceQuantities: Object.fromEntries(
      row.licences.map((licence) => [licence.key, new Decimal(licence.quantity)]),
    ),
  };
}

/** The subscriptions forecasts and alert rules look at, read in one statement each. */
@Injectable()
export class ForecastSubjectsRepository {
  constructor(private readonly db: DataSource) {}

  async findById(subscriptionId: string, at: Date): Promise<ForecastSubject | null> {
    const rows: SubjectRow[] = await this.db.query(`${SELECT_SUBJECTS} WHERE s.id = $2`, [
      at.toISOString(),
      subscriptionId,
    ]);
    return rows.length > 0 ? toSubject(rows[0]) : null;
  }

  /** Subscriptions running at `at` of these customers (all customers when null). */
  async active(customerIds: readonly string[] | null, at: Date): Promise<ForecastSubject[]> {
    const rows: SubjectRow[] = await this.db.query(
      `${SELECT_SUBJECTS}
       WHERE ($2::uuid[] IS NULL OR s.customer_id = ANY ($2))
         AND s.start_date <= $1 AND (s.end_date IS NULL OR s.end_date > $1)
       ORDER BY s.customer_id, s.start_date, s.id`,
      [at.toISOString(), customerIds],
    );
    return rows.map(toSubject);
  }

  async findCustomerId(externalId: string): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.db.query(
      'SELECT id FROM customers WHERE external_id = $1',
      [externalId],
    );
    return rows[0]?.id ?? null;
  }
}
