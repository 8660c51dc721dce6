import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox (DESIGN.md, principle 3): side effects written in the
 * same transaction as the state that caused them, delivered later by workers.
 *
 * `(channel, dedupe_key)` is unique so enqueuing twice sends once. `last_error`
 * says why the latest attempt did not deliver: the failure, or why it was skipped.
 */
export class CreateOutboxMessages1795000000060 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE outbox_messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        channel text NOT NULL CHECK (channel IN ('email', 'crm')),
        dedupe_key text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'sent', 'skipped', 'dead')),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at timestamptz NOT NULL,
        last_error text,
        created_at timestamptz NOT NULL,
        sent_at timestamptz,
        CONSTRAINT outbox_messages_dedupe_key UNIQUE (channel, dedupe_key)
      )`);
    // The workers' claim query reads only due pending rows, oldest first.
    await db.query(
      `CREATE INDEX outbox_messages_due_idx ON outbox_messages (next_attempt_at) WHERE status = 'pending'`,
    );
    // The operators' list: by channel and status, in creation order.
    await db.query(
      'CREATE INDEX outbox_messages_list_idx ON outbox_messages (status, channel, created_at, id)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE outbox_messages');
  }
}
