import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alert rules and the alerts they fire. An alert is stored once per (rule,
 * subscription, service interval, level, meter): the unique key is what makes
 * evaluation safe to repeat, and interval_start in it re-arms every level in
 * the next interval. meter_id is null for rules about the whole bill, hence
 * NULLS NOT DISTINCT (PostgreSQL 15+).
 *
 * Rules are soft-deleted so the alerts they fired keep their history.
 */
export class CreateAlerts1795000000070 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE alert_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL CHECK (type IN
          ('usage_threshold', 'spend_threshold', 'bill_shock', 'credit_balance_low', 'usage_spike')),
        -- usage_threshold: percents of the limit, ascending
        levels numeric[],
        -- null: every meter with a limit
        meter_id uuid REFERENCES meters (id),
        -- both null: every customer
        scope_plan_id uuid REFERENCES plans (id),
        scope_customer_id uuid REFERENCES customers (id),
        channels text[] NOT NULL,
        -- bill_shock
        factor numeric,
        min_increase numeric,
        -- spend_threshold
        amount numeric,
        -- credit_balance_low: percent of the granted credit
        percent numeric,
        -- usage_spike: a day's usage at least multiplier × the trailing daily mean
        multiplier numeric,
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz,
        CHECK (scope_plan_id IS NULL OR scope_customer_id IS NULL)
      )`);
    await db.query(`
      CREATE TABLE alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        rule_id uuid NOT NULL REFERENCES alert_rules (id),
        rule_type text NOT NULL,
        customer_id uuid NOT NULL REFERENCES customers (id),
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        meter_id uuid REFERENCES meters (id),
        level text NOT NULL,
        interval_start timestamptz NOT NULL,
        interval_end timestamptz NOT NULL,
        quantity numeric,
        "limit" numeric,
        -- bill and spend rules: the amount that fired and what it was compared with
        amount numeric,
        threshold_amount numeric,
        currency text,
        -- the numbers behind the alert and the recommendation, as decimal strings
        details jsonb NOT NULL DEFAULT '{}',
        channels text[] NOT NULL,
        fired_at timestamptz NOT NULL,
        CONSTRAINT alerts_once_per_level UNIQUE NULLS NOT DISTINCT
          (rule_id, subscription_id, interval_start, level, meter_id)
      )`);
    await db.query('CREATE INDEX alerts_customer_idx ON alerts (customer_id, fired_at)');
    await db.query('CREATE INDEX alerts_fired_idx ON alerts (fired_at)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE alerts');
    await db.query('DROP TABLE alert_rules');
  }
}
