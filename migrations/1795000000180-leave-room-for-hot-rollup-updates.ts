import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Ingestion updates the same rollup and bucket rows batch after batch (the
 * current hour of each customer's meter). With room left on each page,
 * PostgreSQL rewrites such a row on its own page without a new index entry
 * (a HOT update: no indexed column changes), which most of these updates were
 * not while pages were filled to the brim. Pages written from now on keep
 * the room.
 */
export class LeaveRoomForHotRollupUpdates1795000000180 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE usage_hourly_rollups SET (fillfactor = 70)');
    await db.query('ALTER TABLE entitlement_usage_buckets SET (fillfactor = 70)');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE usage_hourly_rollups RESET (fillfactor)');
    await db.query('ALTER TABLE entitlement_usage_buckets RESET (fillfactor)');
  }
}
