import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Plan commitments (a minimum spend per service interval or billing period,
 * post-paid with a true-up or prepaid and drawn down), the invoice lines they
 * and rate minimums add, and the credit lots of prepaid commitments.
 */
export class AddSpendCommitments1795000000130 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE plan_versions
        ADD COLUMN commitment_amount numeric CHECK (commitment_amount > 0),
        ADD COLUMN commitment_interval text CHECK (commitment_interval IN ('service_interval', 'billing_period')),
        ADD COLUMN commitment_prepaid boolean,
        ADD CHECK ((commitment_amount IS NULL) = (commitment_interval IS NULL)
                   AND (commitment_amount IS NULL) = (commitment_prepaid IS NULL))`);
    await db.query('ALTER TABLE invoice_lines DROP CONSTRAINT invoice_lines_kind_check');
    await db.query(`
      ALTER TABLE invoice_lines ADD CONSTRAINT invoice_lines_kind_check CHECK (kind IN (
        'usage', 'licence_fee', 'credit', 'minimum_spend', 'commitment_true_up', 'prepaid_commitment'))`);
    // A prepaid commitment's lot belongs to its subscription (no plan credit grant) and is
    // issued once per commitment window, keyed by the window start like grant lots.
    await db.query('ALTER TABLE credit_lots DROP CONSTRAINT credit_lots_kind_check');
    await db.query(`
      ALTER TABLE credit_lots ADD CONSTRAINT credit_lots_kind_check
        CHECK (kind IN ('grant', 'top_up', 'commitment'))`);
    await db.query(`
      ALTER TABLE credit_lots ADD CONSTRAINT credit_lots_commitment_subscription
        CHECK (kind <> 'commitment' OR subscription_id IS NOT NULL)`);
    await db.query(`
      CREATE UNIQUE INDEX credit_lots_commitment_window ON credit_lots (subscription_id, valid_from)
      WHERE kind = 'commitment'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX credit_lots_commitment_window');
    await db.query('ALTER TABLE credit_lots DROP CONSTRAINT credit_lots_commitment_subscription');
    await db.query('ALTER TABLE credit_lots DROP CONSTRAINT credit_lots_kind_check');
    await db.query(
      "ALTER TABLE credit_lots ADD CONSTRAINT credit_lots_kind_check CHECK (kind IN ('grant', 'top_up'))",
    );
    await db.query('ALTER TABLE invoice_lines DROP CONSTRAINT invoice_lines_kind_check');
    await db.query(`
      ALTER TABLE invoice_lines ADD CONSTRAINT invoice_lines_kind_check
        CHECK (kind IN ('usage', 'licence_fee', 'credit'))`);
    await db.query(`
      ALTER TABLE plan_versions
        DROP COLUMN commitment_prepaid, DROP COLUMN commitment_interval, DROP COLUMN commitment_amount`);
  }
}
