import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The quota_pressure alert rule: fires when a subscription reaches a quota `hits`
 * times within a set of `windows` consecutive windows of that quota.
 */
export class AddQuotaPressureRule1795000000151 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE alert_rules
      DROP CONSTRAINT alert_rules_type_check,
      ADD CONSTRAINT alert_rules_type_check CHECK (type IN
        ('usage_threshold', 'spend_threshold', 'bill_shock', 'credit_balance_low', 'usage_spike', 'quota_pressure')),
      ADD COLUMN hits integer CHECK (hits > 0),
      ADD COLUMN windows integer CHECK (windows > 0)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DELETE FROM alerts WHERE rule_type = 'quota_pressure'`);
    await db.query(`DELETE FROM alert_rules WHERE type = 'quota_pressure'`);
    await db.query(`ALTER TABLE alert_rules
      DROP COLUMN windows,
      DROP COLUMN hits,
      DROP CONSTRAINT alert_rules_type_check,
      ADD CONSTRAINT alert_rules_type_check CHECK (type IN
        ('usage_threshold', 'spend_threshold', 'bill_shock', 'credit_balance_low', 'usage_spike'))`);
  }
}
