import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Plan changes that take effect now, mid-period: the change row says it
 * splits its billing period (usage and licence fees are priced on either side
 * of it) and carries the key of the request that made it, so a retry changes
 * nothing; the fee billed in advance is credited by a `plan_change` credit
 * note; and an alert level is stored once per plan phase, so a level fired
 * under the old limit can fire again under the new one.
 */
export class AddPlanChangesNow1795000000143 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE subscription_plan_changes
        ADD COLUMN mid_period boolean NOT NULL DEFAULT false,
        ADD COLUMN idempotency_key text,
        ADD CONSTRAINT subscription_plan_changes_idempotency_key UNIQUE (subscription_id, idempotency_key)`);
    await db.query('ALTER TABLE credit_notes DROP CONSTRAINT credit_notes_reason_check');
    await db.query(`
      ALTER TABLE credit_notes ADD CONSTRAINT credit_notes_reason_check
        CHECK (reason IN ('void', 'early_end', 'overcharge', 'plan_change'))`);
    // Where the plan in force at an instant took effect: one definition, beside plan_version_at.
    await db.query(`
      CREATE FUNCTION plan_phase_start(subscription uuid, at timestamptz) RETURNS timestamptz
      LANGUAGE sql STABLE AS $$
        SELECT COALESCE(
          (SELECT max(c.effective_at) FROM subscription_plan_changes c
           WHERE c.subscription_id = subscription AND c.effective_at <= at),
          (SELECT s.start_date FROM subscriptions s WHERE s.id = subscription))
      $$`);
    await db.query('ALTER TABLE alerts ADD COLUMN armed_from timestamptz');
    await db.query('UPDATE alerts SET armed_from = interval_start');
    await db.query('ALTER TABLE alerts ALTER COLUMN armed_from SET NOT NULL');
    await db.query('ALTER TABLE alerts DROP CONSTRAINT alerts_once_per_level');
    await db.query(`
      ALTER TABLE alerts ADD CONSTRAINT alerts_once_per_level UNIQUE NULLS NOT DISTINCT
        (rule_id, subscription_id, interval_start, armed_from, level, meter_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE alerts DROP CONSTRAINT alerts_once_per_level');
    await db.query('DELETE FROM alerts a USING alerts b WHERE a.armed_from > b.armed_from AND a.rule_id = b.rule_id AND a.subscription_id = b.subscription_id AND a.interval_start = b.interval_start AND a.level = b.level AND a.meter_id IS NOT DISTINCT FROM b.meter_id');
    await db.query(`
      ALTER TABLE alerts ADD CONSTRAINT alerts_once_per_level UNIQUE NULLS NOT DISTINCT
        (rule_id, subscription_id, interval_start, level, meter_id)`);
    await db.query('ALTER TABLE alerts DROP COLUMN armed_from');
    await db.query('DROP FUNCTION plan_phase_start(uuid, timestamptz)');
    await db.query('ALTER TABLE credit_notes DROP CONSTRAINT credit_notes_reason_check');
    await db.query(`
      ALTER TABLE credit_notes ADD CONSTRAINT credit_notes_reason_check
        CHECK (reason IN ('void', 'early_end', 'overcharge'))`);
    await db.query(`
      ALTER TABLE subscription_plan_changes
        DROP CONSTRAINT subscription_plan_changes_idempotency_key,
        DROP COLUMN idempotency_key,
        DROP COLUMN mid_period`);
  }
}
