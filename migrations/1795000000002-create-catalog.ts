import { MigrationInterface, QueryRunner } from 'typeorm';

/** Meters, billable items, plans and their immutable versions; customers and subscriptions. */
export class CreateCatalog1795000000002 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE meters (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key text NOT NULL UNIQUE,
        name text NOT NULL,
        aggregation text NOT NULL CHECK (aggregation IN ('sum', 'count', 'max', 'last', 'unique_count')),
        unit text,
        dimensions text[] NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE billable_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key text NOT NULL UNIQUE,
        name text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('metered', 'licensed')),
        meter_id uuid REFERENCES meters (id),
        filter jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'metered') = (meter_id IS NOT NULL))
      )`);
    await db.query(`
      CREATE TABLE plans (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key text NOT NULL UNIQUE,
        name text NOT NULL,
        currency text NOT NULL,
        live_version integer,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE plan_versions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id uuid NOT NULL REFERENCES plans (id),
        version integer NOT NULL CHECK (version > 0),
        service_interval_unit text NOT NULL,
        service_interval_count integer NOT NULL CHECK (service_interval_count > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (plan_id, version)
      )`);
    await db.query(`
      CREATE TABLE plan_version_rates (
        plan_version_id uuid NOT NULL REFERENCES plan_versions (id),
        billable_item_id uuid NOT NULL REFERENCES billable_items (id),
        position integer NOT NULL,
        -- validated rate configuration, decimal strings (see src/catalog/dto)
        rate jsonb NOT NULL,
        PRIMARY KEY (plan_version_id, billable_item_id)
      )`);
    await db.query(`
      CREATE TABLE plan_version_licence_fees (
        plan_version_id uuid NOT NULL REFERENCES plan_versions (id),
        billable_item_id uuid NOT NULL REFERENCES billable_items (id),
        position integer NOT NULL,
        unit_amount numeric NOT NULL CHECK (unit_amount >= 0),
        PRIMARY KEY (plan_version_id, billable_item_id)
      )`);
    await db.query(`
      CREATE TABLE plan_version_credit_grants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_version_id uuid NOT NULL REFERENCES plan_versions (id),
        position integer NOT NULL,
        name text NOT NULL,
        amount numeric NOT NULL CHECK (amount > 0),
        applies_to uuid[] NOT NULL DEFAULT '{}',
        expires_after_intervals integer CHECK (expires_after_intervals > 0),
        UNIQUE (plan_version_id, position)
      )`);
    await db.query(`
      CREATE TABLE plan_version_limits (
        plan_version_id uuid NOT NULL REFERENCES plan_versions (id),
        meter_id uuid NOT NULL REFERENCES meters (id),
        quantity numeric NOT NULL CHECK (quantity > 0),
        PRIMARY KEY (plan_version_id, meter_id)
      )`);
    await db.query(`
      CREATE TABLE customers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        external_id text NOT NULL UNIQUE,
        name text NOT NULL,
        email text,
        locale text NOT NULL DEFAULT 'en',
        currency text,
        tax_rate numeric NOT NULL DEFAULT 0 CHECK (tax_rate >= 0),
        crm jsonb NOT NULL DEFAULT '{}',
        -- usage before this instant is on a finalized invoice: later events for it are refused
        usage_closed_before timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE subscriptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers (id),
        plan_version_id uuid NOT NULL REFERENCES plan_versions (id),
        start_date timestamptz NOT NULL,
        end_date timestamptz CHECK (end_date IS NULL OR end_date > start_date),
        billing_cadence_unit text NOT NULL,
        billing_cadence_count integer NOT NULL CHECK (billing_cadence_count > 0),
        billing_anchor_day integer CHECK (billing_anchor_day BETWEEN 1 AND 31),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query('CREATE INDEX subscriptions_customer_idx ON subscriptions (customer_id)');
    await db.query(`
      CREATE TABLE subscription_licences (
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        billable_item_id uuid NOT NULL REFERENCES billable_items (id),
        quantity numeric NOT NULL CHECK (quantity >= 0),
        PRIMARY KEY (subscription_id, billable_item_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'subscription_licences',
      'subscriptions',
      'customers',
      'plan_version_limits',
      'plan_version_credit_grants',
      'plan_version_licence_fees',
      'plan_version_rates',
      'plan_versions',
      'plans',
      'billable_items',
      'meters',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
