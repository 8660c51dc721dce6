import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { meterKeyJoin, planKeyJoin } from '../catalog/alert-catalog-keys-join-sql';
import { Decimal } from '../common/decimal';
import { CustomerIdsRepository } from '../customers/customer-ids.repository';
import { AlertChannel, AlertScope, MeterRef } from './alert-rule';
import { RuleParameters } from './alert-rule-kind';
import { AlertRule, AlertRuleType, kindOf } from './alert-rule-kinds';

/** A rule to store: references already resolved to ids. */
export interface NewAlertRule extends RuleParameters {
  type: AlertRuleType;
  meterId: string | null;
  planId: string | null;
  customerId: string | null;
  channels: AlertChannel[];
  enabled: boolean;
}

interface RuleRow {
  id: string;
  type: AlertRuleType;
  levels: string[] | null;
  meter_id: string | null;
  meter_key: string | null;
  plan_id: string | null;
  plan_key: string | null;
  customer_id: string | null;
  channels: AlertChannel[];
  factor: string | null;
  min_increase: string | null;
  amount: string | null;
  percent: string | null;
  multiplier: string | null;
  hits: number | null;
  windows: number | null;
  enabled: boolean;
  created_at: Date;
}

const SELECT_RULES = `
  SELECT r.id, r.type, r.levels::text[] AS levels, r.meter_id, m.key AS meter_key,
         r.scope_plan_id AS plan_id, p.key AS plan_key,
         r.scope_customer_id AS customer_id,
         r.channels, r.factor::text, r.min_increase::text, r.amount::text, r.percent::text,
         r.multiplier::text, r.hits, r.windows, r.enabled, r.created_at
  FROM alert_rules r
  ${meterKeyJoin('r.meter_id', 'm')}
  ${planKeyJoin('r.scope_plan_id', 'p')}
  WHERE r.deleted_at IS NULL`;

const decimalOrNull = (text: string | null) => (text === null ? null : new Decimal(text));

function scopeOf(row: RuleRow, customerExternalId: string | undefined): AlertScope {
  if (row.plan_id !== null && row.plan_key !== null)
    return { kind: 'plan', planId: row.plan_id, planKey: row.plan_key };
  if (row.customer_id !== null && customerExternalId !== undefined)
    return { kind: 'customer', customerId: row.customer_id, customerExternalId };
  return { kind: 'all' };
}

function toRule(row: RuleRow, customerExternalId: string | undefined): AlertRule {
  const basis = {
    id: row.id,
    scope: scopeOf(row, customerExternalId),
    channels: row.channels,
    enabled: row.enabled,
    createdAt: row.created_at,
  };
  const meter: MeterRef | null =
    row.meter_id !== null && row.meter_key !== null
      ? { id: row.meter_id, key: row.meter_key }
      : null;
  const parameters: RuleParameters = {
    levels: row.levels && row.levels.map((level) => new Decimal(level)),
    factor: decimalOrNull(row.factor),
    minIncrease: decimalOrNull(row.min_increase),
    amount: decimalOrNull(row.amount),
    percent: decimalOrNull(row.percent),
    multiplier: decimalOrNull(row.multiplier),
    hits: row.hits,
    windows: row.windows,
  };
  return kindOf(row.type).fromParameters(basis, parameters, meter);
}

/** Alert rules; deleted ones stay in the table (their alerts keep pointing at them) but are never read. */
@Injectable()
export class AlertRulesRepository {
  constructor(
    private readonly db: DataSource,
    private readonly customers: CustomerIdsRepository,
  ) {}

  async insert(rule: NewAlertRule): Promise<AlertRule> {
    const [{ id }]: Array<{ id: string }> = await this.db.query(
      `INSERT INTO alert_rules (type, levels, meter_id, scope_plan_id, scope_customer_id, channels,
                                factor, min_increase, amount, percent, multiplier, hits, windows, enabled)
       VALUES ($1, $2::numeric[], $3, $4, $5, $6::text[], $7, $8, $9, $10, $11, $12, $13, $14)
       RETURNING id`,
      [
        rule.type,
        rule.levels?.map((level) => level.toFixed()) ?? null,
        rule.meterId,
        rule.planId,
        rule.customerId,
        rule.channels,
        rule.factor?.toFixed() ?? null,
        rule.minIncrease?.toFixed() ?? null,
        rule.amount?.toFixed() ?? null,
        rule.percent?.toFixed() ?? null,
        rule.multiplier?.toFixed() ?? null,
        rule.hits,
        rule.windows,
        rule.enabled,
      ],
    );
    const created = await this.findById(id);
    if (!created) throw new Error(`alert rule ${id} vanished after insert`);
    return created;
  }

  async findById(id: string): Promise<AlertRule | null> {
    const rows: RuleRow[] = await this.db.query(`${SELECT_RULES} AND r.id = $1`, [id]);
    const [rule] = await this.toRules(rows);
    return rule ?? null;
  }

  /** Every rule in creation order; only the enabled ones of the given types when asked. */
  async list(
    filter: { enabledOnly?: boolean; types?: readonly AlertRuleType[] } = {},
  ): Promise<AlertRule[]> {
    const rows: RuleRow[] = await this.db.query(
      `${SELECT_RULES} AND ($1::boolean IS NOT TRUE OR r.enabled) AND ($2::text[] IS NULL OR r.type = ANY ($2))
       ORDER BY r.created_at, r.id`,
      [filter.enabledOnly ?? false, filter.types ?? null],
    );
    return this.toRules(rows);
  }

  /**
   * The rules with their customers' external ids, read by id (the rules are a
   * reference table: a join from them would ask every node on Citus).
   */
  private async toRules(rows: readonly RuleRow[]): Promise<AlertRule[]> {
    const externalIds = await this.customers.externalIdsOf(
      this.db,
      rows.flatMap((row) => (row.customer_id === null ? [] : [row.customer_id])),
    );
    return rows.map((row) =>
      toRule(row, row.customer_id === null ? undefined : externalIds.get(row.customer_id)),
    );
  }

  /** True when a live rule was changed. */
  async setEnabled(id: string, enabled: boolean): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH changed AS (
         UPDATE alert_rules SET enabled = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING id
       ) SELECT id FROM changed`,
      [id, enabled],
    );
    return rows.length > 0;
  }

  /** True when a live rule was deleted. */
  async softDelete(id: string, at: Date): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `WITH deleted AS (
         UPDATE alert_rules SET deleted_at = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING id
       ) SELECT id FROM deleted`,
      [id, at.toISOString()],
    );
    return rows.length > 0;
  }
}
