import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The plan version a subscription is on at an instant: its latest plan change
 * effective by then, else the version it was created on. One definition for
 * every query (usage limits, credit grants, forecasts) so none of them reads a
 * stale version after a migration.
 */
export class AddPlanVersionAt1795000000036 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION plan_version_at(subscription uuid, at timestamptz) RETURNS uuid
      LANGUAGE sql STABLE AS $$
        SELECT COALESCE(
          (SELECT c.plan_version_id FROM subscription_plan_changes c
           WHERE c.subscription_id = subscription AND c.effective_at <= at
           ORDER BY c.effective_at DESC LIMIT 1),
          (SELECT s.plan_version_id FROM subscriptions s WHERE s.id = subscription))
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION plan_version_at(uuid, timestamptz)');
  }
}
