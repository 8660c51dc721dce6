import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The `Idempotency-Key` of the request that created a subscription: a retry
 * with the same key finds this row instead of creating a second subscription.
 */
export class AddSubscriptionIdempotencyKey1795000000010 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE subscriptions ADD COLUMN idempotency_key text');
    await db.query(
      'ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_idempotency_key_key UNIQUE (idempotency_key)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE subscriptions DROP COLUMN idempotency_key');
  }
}
