import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A subscription's id in global_keys (`subscription_id`), backfilled here and
 * claimed by SubscriptionRepository.insert since: routes that name a
 * subscription alone (the upcoming invoice) find its customer there, on the
 * key's node, and then read it on the customer's node, instead of probing
 * every node for the id (README, "Scaling").
 */
export class ClaimSubscriptionIds1795000000198 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `INSERT INTO global_keys (key, kind, customer_id)
       SELECT id::text, 'subscription_id', customer_id FROM subscriptions`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query("DELETE FROM global_keys WHERE kind = 'subscription_id'");
  }
}
