import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The customer usage page (src/usage-page, src/usage-links).
 *
 * `usage_page_links`: one secret token per customer; the link's token is its
 * only credential. It is looked up by its SHA-256 digest, so the lookup's
 * timing tells nothing about how close a guess came to a real token.
 *
 * `usage_page_requests`: what customers ask for on the page (a plan, a credit
 * top-up); unique per subscription, kind, plan and service interval, so a
 * second press (or a retried request) records and tells sales nothing new.
 */
export class CreateUsagePages1795000000160 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE usage_page_links (
        customer_id uuid PRIMARY KEY REFERENCES customers (id) ON DELETE CASCADE,
        token text NOT NULL,
        token_digest bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL
      )`);
    await db.query(`
      CREATE TABLE usage_page_requests (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
        subscription_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('plan_change', 'credit_top_up')),
        plan_key text,
        interval_start timestamptz NOT NULL,
        interval_end timestamptz NOT NULL,
        requested_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'applied')),
        applied_at timestamptz,
        effective_at timestamptz,
        CHECK ((kind = 'plan_change') = (plan_key IS NOT NULL))
      )`);
    await db.query(`
      CREATE UNIQUE INDEX usage_page_requests_once
        ON usage_page_requests (subscription_id, kind, coalesce(plan_key, ''), interval_start)`);
    await db.query(
      'CREATE INDEX usage_page_requests_by_time ON usage_page_requests (requested_at DESC, id)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE usage_page_requests');
    await db.query('DROP TABLE usage_page_links');
  }
}
