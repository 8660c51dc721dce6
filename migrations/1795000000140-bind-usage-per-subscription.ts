import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The usage bound moves from the customer to the subscription: finalizing an
 * invoice refuses late events for that subscription's billed intervals only, so
 * a second subscription of the customer on other dates keeps its late events.
 * The bound of each subscription is where its issued invoices stop.
 */
export class BindUsagePerSubscription1795000000140 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE subscriptions ADD COLUMN usage_closed_before timestamptz');
    await db.query(`
      UPDATE subscriptions s SET usage_closed_before = i.until
      FROM (SELECT subscription_id, max(usage_billed_until) AS until FROM invoices
            WHERE status <> 'draft' GROUP BY subscription_id) i
      WHERE i.subscription_id = s.id`);
    await db.query('ALTER TABLE customers DROP COLUMN usage_closed_before');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE customers ADD COLUMN usage_closed_before timestamptz');
    await db.query(`
      UPDATE customers c SET usage_closed_before = s.until
      FROM (SELECT customer_id, max(usage_closed_before) AS until FROM subscriptions GROUP BY customer_id) s
      WHERE s.customer_id = c.id`);
    await db.query('ALTER TABLE subscriptions DROP COLUMN usage_closed_before');
  }
}
