import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The event retention job forgets ids of events older than EVENT_RETENTION
 * (src/metering/event-retention.service.ts). Ids arrive roughly in timestamp
 * order, so a BRIN index finds the expired ones for a few pages of index and
 * next to nothing per insert, where a B-tree would add a write to every event.
 */
export class BoundUsageEventIds1795000000171 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(
      'CREATE INDEX usage_event_ids_timestamp_brin ON usage_event_ids USING brin (timestamp)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP INDEX usage_event_ids_timestamp_brin');
  }
}
