import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A licence quantity changed now holds from that instant on: each quantity row
 * carries when it took effect (`-infinity` for the quantities the subscription
 * was created with), so a period is billed on the old quantity before the
 * change and the new one after it.
 */
export class DateLicenceQuantities1795000000144 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE subscription_licences
        ADD COLUMN effective_at timestamptz NOT NULL DEFAULT '-infinity',
        DROP CONSTRAINT subscription_licences_pkey,
        ADD PRIMARY KEY (subscription_id, billable_item_id, effective_at)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      DELETE FROM subscription_licences WHERE effective_at <> '-infinity';
      ALTER TABLE subscription_licences
        DROP CONSTRAINT subscription_licences_pkey,
        DROP COLUMN effective_at,
        ADD PRIMARY KEY (subscription_id, billable_item_id)`);
  }
}
