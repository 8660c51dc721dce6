import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usage per calendar month (UTC) beside the hourly rollups, so an invoice
 * over whole months reads one row per meter and dimension set instead of one
 * per hour: a billing run then costs the same whether a month holds 1 M or
 * 10 M events. A month's row holds its hours before `usage_rollup_seal`'s
 * `sealed_before`: a job folds hours into it as they close
 * (rollup-seal.repository.ts), ingestion adds only late events of hours
 * already folded, and readers take from it only months wholly sealed. Filled
 * here from the hourly rows of the hours before the current one. Room for HOT
 * updates as on the hourly rows (migration 1795000000180). On Citus it joins
 * the hourly rollups' co-location group; the seal is a reference table.
 */
export class AddMonthlyUsageRollups1795000000199 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE usage_monthly_rollups (
        customer_id uuid NOT NULL,
        meter_id uuid NOT NULL,
        month_start timestamptz NOT NULL,
        dimensions jsonb NOT NULL,
        event_count bigint NOT NULL,
        value_sum numeric NOT NULL,
        value_max numeric,
        last_value numeric,
        last_timestamp timestamptz NOT NULL,
        last_event_id text NOT NULL,
        PRIMARY KEY (customer_id, meter_id, month_start, dimensions)
      ) WITH (fillfactor = 70)`);
    await db.query(`
      CREATE TABLE usage_rollup_seal (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        sealed_before timestamptz NOT NULL
      )`);
    await db.query(
      `INSERT INTO usage_rollup_seal (sealed_before) VALUES (date_trunc('hour', now(), 'UTC'))`,
    );
    await db.query(`
      INSERT INTO usage_monthly_rollups
        (customer_id, meter_id, month_start, dimensions, event_count, value_sum, value_max,
         last_value, last_timestamp, last_event_id)
      SELECT customer_id, meter_id, date_trunc('month', hour_start, 'UTC'), dimensions,
             sum(event_count), sum(value_sum), max(value_max),
             (array_agg(last_value ORDER BY ${LATEST}))[1], max(last_timestamp),
             (array_agg(last_event_id ORDER BY ${LATEST}))[1]
      FROM usage_hourly_rollups
      WHERE hour_start < (SELECT sealed_before FROM usage_rollup_seal)
      GROUP BY 1, 2, 3, 4`);
    const citus: unknown[] = await db.query("SELECT 1 FROM pg_extension WHERE extname = 'citus'");
    if (citus.length > 0) {
      await db.query(
        "SELECT create_distributed_table('usage_monthly_rollups', 'customer_id', colocate_with => 'usage_hourly_rollups')",
      );
      await db.query("SELECT create_reference_table('usage_rollup_seal')");
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE usage_rollup_seal, usage_monthly_rollups');
  }
}

// The latest of the hourly rows' latest events, as ingestion orders events (meter-aggregation.ts).
const LATEST = 'last_timestamp DESC, last_event_id COLLATE "C" DESC';
