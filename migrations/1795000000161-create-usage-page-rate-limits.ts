import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The usage pages' rate limit, shared by every replica (src/usage-page):
 * one row per client address (its SHA-256 digest, so no address is kept)
 * with the start of its current window and the requests counted in it.
 *
 * UNLOGGED: a counter is worth no WAL; after a crash PostgreSQL empties the
 * table, which only gives every client a fresh window. Expired rows are
 * deleted by the usage-page-rate-limits job.
 */
export class CreateUsagePageRateLimits1795000000161 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE UNLOGGED TABLE usage_page_rate_limits (
        client_digest bytea PRIMARY KEY,
        window_start timestamptz NOT NULL,
        requests integer NOT NULL CHECK (requests > 0)
      )`);
    await db.query(
      'CREATE INDEX usage_page_rate_limits_by_window ON usage_page_rate_limits (window_start)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE usage_page_rate_limits');
  }
}
