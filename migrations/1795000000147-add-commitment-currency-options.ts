import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Commitment amounts per currency, like rates, fees and grants: a version
 * billing in several currencies commits an EUR customer to its EUR amount.
 * {"EUR": "<amount>"}; empty for single-currency versions.
 */
export class AddCommitmentCurrencyOptions1795000000147 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE plan_versions ADD COLUMN commitment_currency_options jsonb NOT NULL DEFAULT '{}'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE plan_versions DROP COLUMN commitment_currency_options');
  }
}
