import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { meterKeyJoin } from '../catalog/alert-catalog-keys-join-sql';
import { Decimal } from '../common/decimal';
import { optionalCustomerExternalIdJoin } from '../customers/customer-external-id-join-sql';
import { Queryable } from '../database/transaction';
import { AlertChannel } from './alert-rule';
import { AlertRuleType } from './alert-rule-kinds';
import { AlertsQuery } from './dto/alert-rule.schema';
import { AlertDetails, NewAlert } from './firing';

export interface AlertRecord {
  id: string;
  ruleType: AlertRuleType;
  customerExternalId: string;
  subscriptionId: string;
  meterKey: string | null;
  level: string;
  quantity: string | null;
  limit: string | null;
  amount: string | null;
  thresholdAmount: string | null;
  currency: string | null;
  intervalStart: Date;
  intervalEnd: Date;
  firedAt: Date;
  channels: AlertChannel[];
  details: AlertDetails;
}

interface AlertRow {
  id: string;
  rule_type: AlertRuleType;
  external_id: string;
  subscription_id: string;
  meter_key: string | null;
  level: string;
  quantity: string | null;
  limit: string | null;
  amount: string | null;
  threshold_amount: string | null;
  currency: string | null;
  interval_start: Date;
  interval_end: Date;
  fired_at: Date;
  channels: AlertChannel[];
  details: AlertDetails;
}

/** The key an alert is stored once under, as text, for comparing candidates with stored alerts. */
export function alertKey(ruleId: string, level: string, meterId: string | null): string {
  return `${ruleId}|${level}|${meterId ?? ''}`;
}

/**
 * An alert level fires once per interval and plan phase: from the interval's
 * start, or from the plan change made within it (plan_phase_start, migration
 * 1795000000143), so a level fired under the old limit fires again under the new one.
 */
const ARMED_FROM = (subscription: string, intervalStart: string, at: string) =>
  `GREATEST(${intervalStart}::timestamptz, plan_phase_start(${subscription}::uuid, ${at}::timestamptz))`;

const toText = (value: Decimal | null) => (value === null ? null : value.toFixed());

/** A subscription's service interval, by its start, whose fired alerts are asked for. */
export interface FiredKeysQuery {
  customerId: string;
  subscriptionId: string;
  intervalStart: Date;
}

@Injectable()
export class AlertsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Keys (alertKey) of the alerts already fired for a subscription's interval
   * under the plan in force at `at`: a plan changed mid-interval re-arms every
   * level against its own limits.
   */
  async firedKeys(subject: FiredKeysQuery, at: Date): Promise<Set<string>> {
    const [keys] = await this.firedKeysOf([subject], at);
    return keys;
  }

  /** firedKeys of each subscription's interval, in the order asked, in one statement. */
  async firedKeysOf(queries: readonly FiredKeysQuery[], at: Date): Promise<Array<Set<string>>> {
    if (queries.length === 0) return [];
    const rows: Array<{ n: number; rule_id: string; level: string; meter_id: string | null }> =
      await this.db.query(
        `SELECT s.n::int AS n, a.rule_id, a.level, a.meter_id
         FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[])
           WITH ORDINALITY AS s (customer_id, subscription_id, interval_start, n)
         JOIN alerts a
           ON a.customer_id = ANY($1::uuid[]) AND a.customer_id = s.customer_id
          AND a.subscription_id = s.subscription_id AND a.interval_start = s.interval_start
          AND a.armed_from = ${ARMED_FROM('s.subscription_id', 's.interval_start', '$4')}`,
        [
          queries.map((query) => query.customerId),
          queries.map((query) => query.subscriptionId),
          queries.map((query) => query.intervalStart.toISOString()),
          at.toISOString(),
        ],
      );
    const keys = queries.map(() => new Set<string>());
    for (const row of rows) keys[row.n - 1].add(alertKey(row.rule_id, row.level, row.meter_id));
    return keys;
  }

  /** Stores the alert unless its key is taken; answers its id only when this call stored it. */
  async insertOnce(tx: Queryable, alert: NewAlert): Promise<string | null> {
    const rows: Array<{ id: string }> = await tx.query(
      `INSERT INTO alerts (rule_id, rule_type, customer_id, subscription_id, meter_id, level,
                           interval_start, interval_end, quantity, "limit", amount, threshold_amount,
                           currency, details, channels, fired_at, armed_from)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14::jsonb, $15::text[], $16,
               ${ARMED_FROM('$4', '$7', '$16')})
       ON CONFLICT ON CONSTRAINT alerts_once_per_level DO NOTHING
       RETURNING id`,
      [
        alert.ruleId,
        alert.ruleType,
        alert.customerId,
        alert.subscriptionId,
        alert.meterId,
        alert.level,
        alert.intervalStart.toISOString(),
        alert.intervalEnd.toISOString(),
        toText(alert.quantity),
        toText(alert.limit),
        toText(alert.amount),
        toText(alert.thresholdAmount),
        alert.currency,
        JSON.stringify(alert.details),
        alert.channels,
        alert.firedAt.toISOString(),
      ],
    );
    return rows[0]?.id ?? null;
  }

  /** An alert's subscription and details (its recommendation), or null when there is no such alert. */
  async findDetails(id: string): Promise<{ subscriptionId: string; details: AlertDetails } | null> {
    const rows: Array<{ subscription_id: string; details: AlertDetails }> = await this.db.query(
      'SELECT subscription_id, details FROM alerts WHERE id = $1',
      [id],
    );
    return rows[0] ? { subscriptionId: rows[0].subscription_id, details: rows[0].details } : null;
  }

  /** Newest first. */
  async list(query: AlertsQuery): Promise<AlertRecord[]> {
    const rows: AlertRow[] = await this.db.query(
      `SELECT a.id, a.rule_type, c.external_id, a.subscription_id, m.key AS meter_key, a.level,
              a.quantity::text, a."limit"::text AS limit, a.amount::text, a.threshold_amount::text, a.currency,
              a.interval_start, a.interval_end, a.fired_at, a.channels, a.details
       FROM alerts a
       ${optionalCustomerExternalIdJoin('a.customer_id', 'c')}
       ${meterKeyJoin('a.meter_id', 'm')}
       WHERE ($1::text IS NULL OR c.external_id = $1)
         AND ($2::text IS NULL OR a.rule_type = $2)
         AND ($3::timestamptz IS NULL OR a.fired_at >= $3)
       ORDER BY a.fired_at DESC, a.id
       LIMIT 1000`,
      [query.customerExternalId ?? null, query.rule ?? null, query.since?.toISOString() ?? null],
    );
    return rows.map((row) => ({
      id: row.id,
      ruleType: row.rule_type,
      customerExternalId: row.external_id,
      subscriptionId: row.subscription_id,
      meterKey: row.meter_key,
      level: row.level,
      quantity: row.quantity,
      limit: row.limit,
      amount: row.amount,
      thresholdAmount: row.threshold_amount,
      currency: row.currency,
      intervalStart: row.interval_start,
      intervalEnd: row.interval_end,
      firedAt: row.fired_at,
      channels: row.channels,
      details: row.details,
    }));
  }
}
