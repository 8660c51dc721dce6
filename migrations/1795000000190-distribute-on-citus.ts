import { MigrationInterface, QueryRunner } from 'typeorm';
import { distributionPlan, foreignKeys } from '../src/database/distribution-plan';

/**
 * On Citus (the `citus` extension installed), places the tables as
 * src/database/distribution.ts says: reference tables copied to every node,
 * tables of a customer distributed by the customer and co-located. Only tables
 * ready for it are placed (src/database/distribution-plan.ts); the others stay
 * on the coordinator until their co-location gaps are fixed, and a later
 * migration places them. On plain PostgreSQL it does nothing.
 */
export class DistributeOnCitus1795000000190 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    const citus: unknown[] = await db.query("SELECT 1 FROM pg_extension WHERE extname = 'citus'");
    if (citus.length === 0) return;
    for (const step of distributionPlan(await foreignKeys(db))) {
      if (step.sql !== null) await db.query(step.sql);
    }
  }

  async down(): Promise<void> {
    // Undistributing (undistribute_table) moves every row back to the coordinator: an operator's decision, not a rollback's.
  }
}
