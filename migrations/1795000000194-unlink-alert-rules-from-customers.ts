import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Citus distribution by customer (README, "Scaling"): alert_rules is a
 * reference table (copied to every node, read by every evaluation), and Citus
 * refuses a foreign key from a reference table into a distributed one, so the
 * key from a customer-scoped rule to its customer goes. What it guarded still
 * holds: AlertRulesService.create resolves the scope's customer by its external
 * id and refuses an unknown one before the rule is written, and customers are
 * never deleted (no statement of the service deletes one).
 */
export class UnlinkAlertRulesFromCustomers1795000000194 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE alert_rules DROP CONSTRAINT alert_rules_scope_customer_id_fkey');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE alert_rules ADD CONSTRAINT alert_rules_scope_customer_id_fkey
        FOREIGN KEY (scope_customer_id) REFERENCES customers (id)`);
  }
}
