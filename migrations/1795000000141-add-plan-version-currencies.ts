import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Multi-currency plan versions: the currencies a version bills in (NULL: its
 * plan's only, as before), prices in other currencies on each rate, fee and
 * grant, and the currency each subscription bills in, decided when it is
 * created (existing ones keep their plan's).
 */
/** The entries of a version that carry a price. */
const PRICED_TABLES = [
  'plan_version_rates',
  'plan_version_licence_fees',
  'plan_version_credit_grants',
];

export class AddPlanVersionCurrencies1795000000141 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE plan_versions ADD COLUMN currencies text[]');
    for (const table of PRICED_TABLES) {
      // {"EUR": <price>}: a rate object, or a decimal string for fees and grants
      await db.query(
        `ALTER TABLE ${table} ADD COLUMN currency_options jsonb NOT NULL DEFAULT '{}'`,
      );
    }
    await db.query('ALTER TABLE subscriptions ADD COLUMN currency text');
    await db.query(`
      UPDATE subscriptions s SET currency = p.currency
      FROM plan_versions v JOIN plans p ON p.id = v.plan_id
      WHERE v.id = s.plan_version_id`);
    await db.query('ALTER TABLE subscriptions ALTER COLUMN currency SET NOT NULL');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE subscriptions DROP COLUMN currency');
    for (const table of PRICED_TABLES) {
      await db.query(`ALTER TABLE ${table} DROP COLUMN currency_options`);
    }
    await db.query('ALTER TABLE plan_versions DROP COLUMN currencies');
  }
}
