import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Our key → the CRM's record id, per provider and object type, for records
 * the CRM cannot upsert by a unique property (HubSpot tasks and invoices).
 * A row with no crm_id is a create whose outcome is unknown (a timeout, a
 * lost answer): the next attempt searches the CRM by our key before creating
 * again, so a retry creates nothing twice.
 */
export class CreateCrmRecordIds1795000000120 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE crm_record_ids (
        provider text NOT NULL,
        object_type text NOT NULL,
        key text NOT NULL,
        crm_id text,
        create_attempted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, object_type, key)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE crm_record_ids');
  }
}
