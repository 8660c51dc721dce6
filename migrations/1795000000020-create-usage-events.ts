import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usage events (partitioned by month), their idempotency keys, and the hourly
 * rollups every reader uses instead of raw events (DESIGN.md, principle 6).
 *
 * Every table carries customer_id so the schema can later be distributed by
 * customer. There are no foreign keys: ingestion validates references itself,
 * and a per-row key check on three tables would dominate the cost of a batch.
 */
export class CreateUsageEvents1795000000020 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE usage_events (
        customer_id uuid NOT NULL,
        meter_id uuid NOT NULL,
        event_id text NOT NULL,
        timestamp timestamptz NOT NULL,
        -- sum, max and last meters
        value numeric,
        -- unique_count meters: the identifier counted
        value_text text,
        dimensions jsonb NOT NULL DEFAULT '{}',
        received_at timestamptz NOT NULL
      ) PARTITION BY RANGE (timestamp)`);
    // Month partitions are created on demand before inserting (src/metering/event-partitions.ts);
    // this one only catches rows if a partition went missing.
    await db.query('CREATE TABLE usage_events_default PARTITION OF usage_events DEFAULT');
    await db.query(
      'CREATE INDEX usage_events_customer_idx ON usage_events (customer_id, meter_id, timestamp)',
    );

    // A unique index on usage_events would have to include the partition key, so
    // the idempotency key lives in its own table, inserted first in the same transaction.
    await db.query(`
      CREATE TABLE usage_event_ids (
        event_id text PRIMARY KEY,
        customer_id uuid NOT NULL,
        timestamp timestamptz NOT NULL
      )`);

    await db.query(`
      CREATE TABLE usage_hourly_rollups (
        customer_id uuid NOT NULL,
        meter_id uuid NOT NULL,
        hour_start timestamptz NOT NULL,
        dimensions jsonb NOT NULL,
        event_count bigint NOT NULL,
        value_sum numeric NOT NULL,
        value_max numeric,
        -- the value of the latest event, by (timestamp, event_id): a late event never replaces a newer one
        last_value numeric,
        last_timestamp timestamptz NOT NULL,
        last_event_id text NOT NULL,
        PRIMARY KEY (customer_id, meter_id, hour_start, dimensions)
      )`);
    // Exact distinct values per hour for unique_count meters; counts over any
    // range of hours are count(DISTINCT value) over these rows.
    await db.query(`
      CREATE TABLE usage_hourly_unique_values (
        customer_id uuid NOT NULL,
        meter_id uuid NOT NULL,
        hour_start timestamptz NOT NULL,
        dimensions jsonb NOT NULL,
        value text NOT NULL,
        PRIMARY KEY (customer_id, meter_id, hour_start, dimensions, value)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'usage_hourly_unique_values',
      'usage_hourly_rollups',
      'usage_event_ids',
      'usage_events',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
