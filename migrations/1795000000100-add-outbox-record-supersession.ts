import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Messages that overwrite a whole record (a CRM deal, an account's alert
 * figures) name it and the moment their figures describe, so a retried older
 * message is skipped once a newer one for the same record exists, instead of
 * overwriting it (src/outbox/outbox.repository.ts, `superseded`). Messages
 * of one moment (two alerts of one evaluation, or of a test's fixed clock)
 * are ordered by `seq`, the order they were written in.
 */
export class AddOutboxRecordSupersession1795000000100 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE outbox_messages
        ADD COLUMN record_key text,
        ADD COLUMN record_at timestamptz,
        ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY,
        ADD CONSTRAINT outbox_messages_record_check CHECK ((record_key IS NULL) = (record_at IS NULL))`);
    // The supersession check looks up the newer messages of one record.
    await db.query(
      `CREATE INDEX outbox_messages_record_idx ON outbox_messages (channel, record_key, record_at)
       WHERE record_key IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX outbox_messages_record_idx');
    await db.query(
      'ALTER TABLE outbox_messages DROP COLUMN record_key, DROP COLUMN record_at, DROP COLUMN seq',
    );
  }
}
