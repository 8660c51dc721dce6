import { MigrationInterface, QueryRunner } from 'typeorm';

/** A fresh installation warns at 80 % and 100 % of every limit, by e-mail and CRM task (API.md, Alerts). */
export class SeedDefaultAlertRule1795000000071 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      INSERT INTO alert_rules (type, levels, channels)
      VALUES ('usage_threshold', '{80,100}', '{email,crm_task}')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DELETE FROM alert_rules
      WHERE type = 'usage_threshold' AND meter_id IS NULL AND scope_plan_id IS NULL
        AND scope_customer_id IS NULL AND NOT EXISTS (SELECT 1 FROM alerts)`);
  }
}
