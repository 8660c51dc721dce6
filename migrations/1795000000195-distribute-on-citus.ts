import { MigrationInterface, QueryRunner } from 'typeorm';
import { distributionPlan, foreignKeys } from '../src/database/distribution-plan';

/**
 * On Citus (the `citus` extension installed), places the tables as
 * src/database/distribution.ts says: reference tables copied to every node,
 * tables of a customer distributed by the customer and co-located, lookups of
 * global keys distributed by the key. It runs after the re-keying migrations
 * (191 to 194), so it places every table the plan finds ready
 * (src/database/distribution-plan.ts); the others (outbox_messages, and what
 * points to them) stay on the coordinator and a later migration places them.
 * Tables created by later migrations (usage_monthly_rollups, 199) are placed
 * there. On plain PostgreSQL it does nothing.
 */
export class DistributeOnCitus1795000000195 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    const citus: unknown[] = await db.query("SELECT 1 FROM pg_extension WHERE extname = 'citus'");
    if (citus.length === 0) return;
    for (const step of distributionPlan(await foreignKeys(db))) {
      // A table a later migration creates is placed by that migration.
      const [{ exists }]: Array<{ exists: boolean }> = await db.query(
        'SELECT to_regclass($1) IS NOT NULL AS exists',
        [step.table],
      );
      if (step.sql !== null && exists) await db.query(step.sql);
    }
  }

  async down(): Promise<void> {
    // Undistributing (undistribute_table) moves every row back to the coordinator: an operator's decision, not a rollback's.
  }
}
