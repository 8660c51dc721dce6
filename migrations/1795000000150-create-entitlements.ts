import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Quotas and the state the entitlement check reads (src/entitlements/ owns these tables).
 *
 * - entitlement_plan_quotas: a plan version's quotas, one per (meter, window, alignment);
 *   entitlement_subscription_quotas: a subscription's negotiated quotas, which replace
 *   the plan's quota of the same (meter, window, alignment).
 * - entitlement_usage_buckets: usage per customer, meter and hour / UTC day of the meters
 *   that have a quota, kept by ingestion in its own transaction, so a check sums a few
 *   rows instead of scanning events. Both the event count and the value sum are kept:
 *   a count meter's quota counts the first, a sum meter's the second.
 * - entitlement_quota_hits: each window in which a subscription reached a quota, once,
 *   with when it was reached, the highest usage seen and what enforcement refused.
 */
export class CreateEntitlements1795000000150 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    const quotaColumns = `
        meter_id uuid NOT NULL REFERENCES meters (id),
        quota_window text NOT NULL CHECK (quota_window IN ('hour', 'day', 'week', 'interval')),
        alignment text NOT NULL CHECK (alignment IN ('calendar', 'rolling')),
        quantity numeric NOT NULL CHECK (quantity > 0),
        kind text NOT NULL CHECK (kind IN ('hard', 'soft')),
        overage text NOT NULL CHECK (overage IN ('refuse', 'credits')),
        position integer NOT NULL,
        CHECK (alignment = 'calendar' OR quota_window IN ('day', 'week'))`;
    await db.query(`
      CREATE TABLE entitlement_plan_quotas (
        plan_version_id uuid NOT NULL REFERENCES plan_versions (id),
        ${quotaColumns},
        PRIMARY KEY (plan_version_id, meter_id, quota_window, alignment)
      )`);
    await db.query(`
      CREATE TABLE entitlement_subscription_quotas (
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        ${quotaColumns},
        PRIMARY KEY (subscription_id, meter_id, quota_window, alignment)
      )`);
    await db.query(`
      CREATE TABLE entitlement_usage_buckets (
        customer_id uuid NOT NULL,
        meter_id uuid NOT NULL,
        granularity text NOT NULL CHECK (granularity IN ('hour', 'day')),
        bucket_start timestamptz NOT NULL,
        event_count bigint NOT NULL,
        value_sum numeric NOT NULL,
        PRIMARY KEY (customer_id, meter_id, granularity, bucket_start)
      )`);
    await db.query(`
      CREATE TABLE entitlement_quota_hits (
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        customer_id uuid NOT NULL REFERENCES customers (id),
        meter_id uuid NOT NULL REFERENCES meters (id),
        quota_window text NOT NULL,
        alignment text NOT NULL,
        window_start timestamptz NOT NULL,
        window_end timestamptz NOT NULL,
        kind text NOT NULL,
        quantity numeric NOT NULL,
        hit_at timestamptz NOT NULL,
        peak numeric NOT NULL,
        refused numeric NOT NULL DEFAULT 0,
        PRIMARY KEY (subscription_id, meter_id, quota_window, alignment, window_start)
      )`);
    await db.query(
      'CREATE INDEX entitlement_quota_hits_customer_idx ON entitlement_quota_hits (customer_id, hit_at)',
    );
    await db.query(
      'CREATE INDEX entitlement_quota_hits_hit_idx ON entitlement_quota_hits (hit_at)',
    );
    await db.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_scope_check,
      ADD CONSTRAINT api_keys_scope_check CHECK (scope IN ('admin', 'read', 'ingest', 'check'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE api_keys DROP CONSTRAINT api_keys_scope_check,
      ADD CONSTRAINT api_keys_scope_check CHECK (scope IN ('admin', 'read', 'ingest'))`);
    for (const table of [
      'entitlement_quota_hits',
      'entitlement_usage_buckets',
      'entitlement_subscription_quotas',
      'entitlement_plan_quotas',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
