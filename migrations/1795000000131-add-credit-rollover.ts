import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rollover of plan credit grants: a grant may carry what its lot left unused
 * into a `rollover` lot (capped, with its own expiry). The source lot keeps the
 * amount it passed on in `rolled_over`, so it is neither counted as expired nor
 * spent twice, and a lot rolls over at most once (unique rolled_over_from).
 */
export class AddCreditRollover1795000000131 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE plan_version_credit_grants
        ADD COLUMN rollover_maximum_amount numeric CHECK (rollover_maximum_amount > 0),
        ADD COLUMN rollover_expires_after_intervals integer CHECK (rollover_expires_after_intervals > 0),
        ADD CHECK ((rollover_maximum_amount IS NULL) = (rollover_expires_after_intervals IS NULL))`);
    await db.query('ALTER TABLE credit_lots DROP CONSTRAINT credit_lots_kind_check');
    await db.query(`
      ALTER TABLE credit_lots ADD CONSTRAINT credit_lots_kind_check
        CHECK (kind IN ('grant', 'top_up', 'commitment', 'rollover'))`);
    await db.query(`
      ALTER TABLE credit_lots
        ADD COLUMN rolled_over numeric NOT NULL DEFAULT 0 CHECK (rolled_over >= 0),
        ADD COLUMN rolled_over_from uuid UNIQUE REFERENCES credit_lots (id),
        ADD CONSTRAINT credit_lots_spent_within_amount CHECK (consumed + rolled_over <= amount),
        ADD CONSTRAINT credit_lots_rollover_source CHECK ((kind = 'rollover') = (rolled_over_from IS NOT NULL))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE credit_lots
        DROP CONSTRAINT credit_lots_rollover_source, DROP CONSTRAINT credit_lots_spent_within_amount,
        DROP COLUMN rolled_over_from, DROP COLUMN rolled_over`);
    await db.query('ALTER TABLE credit_lots DROP CONSTRAINT credit_lots_kind_check');
    await db.query(`
      ALTER TABLE credit_lots ADD CONSTRAINT credit_lots_kind_check
        CHECK (kind IN ('grant', 'top_up', 'commitment'))`);
    await db.query(`
      ALTER TABLE plan_version_credit_grants
        DROP COLUMN rollover_expires_after_intervals, DROP COLUMN rollover_maximum_amount`);
  }
}
