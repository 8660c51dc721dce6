import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customers may opt out of non-critical e-mails (usage warnings). The token is
 * the unguessable key of the unsubscribe link in those e-mails, so the link
 * works without an API key and without a signing secret to manage.
 */
export class AddCustomerEmailPreferences1795000000061 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE customers ADD COLUMN email_opt_out boolean NOT NULL DEFAULT false');
    await db.query(
      'ALTER TABLE customers ADD COLUMN unsubscribe_token uuid NOT NULL DEFAULT gen_random_uuid()',
    );
    await db.query(
      'ALTER TABLE customers ADD CONSTRAINT customers_unsubscribe_token_key UNIQUE (unsubscribe_token)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE customers DROP COLUMN unsubscribe_token');
    await db.query('ALTER TABLE customers DROP COLUMN email_opt_out');
  }
}
