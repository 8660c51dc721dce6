/**
 * Bulk usage for the billing benchmark, written in SQL as ingestion would have
 * stored it (src/metering/usage-events.repository.ts): events, their ids, and
 * the hourly and monthly rollups (the month sealed but for its last hour) and
 * unique values aggregated from exactly those events.
 */
import { Client } from 'pg';
import { HOUR_MS } from '../src/common/hour-alignment';
import { Interval } from '../src/common/period';
import { IN_SEALED_HOURS, rollupInsert } from '../src/metering/usage-events.repository';

export interface LoadTimings {
  events: number;
  eventIds: number;
  rollups: number;
  indexesAndAnalyze: number;
  total: number;
}

/** The calendar month (UTC) `count` months before the one containing `at`. */
export function monthsBefore(at: Date, count: number): Interval {
  const start = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - count, 1));
  const end = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() - count + 1, 1));
  return { start, end };
}

/** The partition name and bounds src/metering/event-partitions.repository.ts would create. */
function partitionDdl(month: Interval): string {
  const name = `usage_events_${month.start.getUTCFullYear()}_${String(month.start.getUTCMonth() + 1).padStart(2, '0')}`;
  return `CREATE TABLE IF NOT EXISTS ${name} PARTITION OF usage_events
          FOR VALUES FROM ('${month.start.toISOString()}') TO ('${month.end.toISOString()}')`;
}

/**
 * One statement for the whole month (it is one partition). A dense customer
 * number joins each event to a customer by hash join; 70 % token counts with
 * model and region, 20 % API calls by endpoint, 10 % active users by region.
 */
const INSERT_EVENTS = `
  WITH customer_numbers AS (
    SELECT (row_number() OVER (ORDER BY id) - 1)::int AS k, id FROM customers
  ), meter_ids AS (
    SELECT (SELECT id FROM meters WHERE key = 'llm_tokens') AS tokens,
           (SELECT id FROM meters WHERE key = 'api_calls') AS calls,
           (SELECT id FROM meters WHERE key = 'active_users') AS users
  ), raw AS (
    SELECT n, floor(random() * $2::int)::int AS k, random() AS kind, random() AS r1, random() AS r2,
           $3::timestamptz + floor(random() * $4::float8) * interval '1 second' AS ts
    FROM generate_series(1, $1::bigint) AS n
  )
  INSERT INTO usage_events (customer_id, meter_id, event_id, timestamp, value, value_text, dimensions, received_at)
  SELECT c.id,
         CASE WHEN kind < 0.7 THEN m.tokens WHEN kind < 0.9 THEN m.calls ELSE m.users END,
         'evt_' || to_hex(n),
         ts,
         CASE WHEN kind < 0.7 THEN 1 + floor(r1 * 4000) END,
         CASE WHEN kind >= 0.9 THEN 'user-' || floor(r1 * 50)::int END,
         CASE WHEN kind < 0.7 THEN jsonb_build_object(
                'model', (ARRAY['gpt-4o', 'gpt-4o-mini', 'o3', 'claude-sonnet', 'llama-70b'])[1 + floor(r2 * 5)::int],
                'region', (ARRAY['eu-west', 'us-east', 'ap-south'])[1 + floor(r1 * 3)::int])
              WHEN kind < 0.9 THEN jsonb_build_object(
                'endpoint', (ARRAY['/v1/chat', '/v1/embeddings', '/v1/images', '/v1/audio'])[1 + floor(r2 * 4)::int])
              ELSE jsonb_build_object('region', (ARRAY['eu-west', 'us-east', 'ap-south'])[1 + floor(r2 * 3)::int])
         END,
         $5::timestamptz
  FROM raw JOIN customer_numbers c USING (k) CROSS JOIN meter_ids m`;

const INSERT_UNIQUE_VALUES = `
  INSERT INTO usage_hourly_unique_values (customer_id, meter_id, hour_start, dimensions, value)
  SELECT DISTINCT customer_id, meter_id, date_trunc('hour', timestamp, 'UTC'), dimensions, value_text
  FROM usage_events
  WHERE value_text IS NOT NULL`;

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = Date.now();
  await work();
  return Math.round((Date.now() - started) / 100) / 10;
}

/**
 * Loads `count` events spread uniformly over `month` with their ids and rollups.
 * The two event indexes are dropped for the load and rebuilt with their
 * migration definitions afterwards: one sorted build instead of millions of
 * random inserts, and the same schema in the end.
 */
export async function loadEventsAndRollups(
  db: Client,
  count: number,
  month: Interval,
  log: (line: string) => void,
): Promise<LoadTimings> {
  const customers = Number(
    (await db.query<{ n: string }>('SELECT count(*) AS n FROM customers')).rows[0].n,
  );
  await db.query(`SET work_mem = '256MB'`);
  await db.query(`SET maintenance_work_mem = '512MB'`);
  await db.query(partitionDdl(month));
  await db.query('DROP INDEX usage_events_customer_idx');
  await db.query('ALTER TABLE usage_event_ids DROP CONSTRAINT usage_event_ids_pkey');
  const seconds = (month.end.getTime() - month.start.getTime()) / 1000;
  const events = await timed(() =>
    db.query(INSERT_EVENTS, [
      count,
      customers,
      month.start.toISOString(),
      seconds,
      month.end.toISOString(),
    ]),
  );
  log(`events ${events} s`);
  const eventIds = await timed(() =>
    db.query(
      'INSERT INTO usage_event_ids (event_id, customer_id, timestamp) SELECT event_id, customer_id, timestamp FROM usage_events',
    ),
  );
  log(`event ids ${eventIds} s`);
  const rollups = await timed(async () => {
    await db.query(
      rollupInsert('usage_hourly_rollups', 'hour_start', 'hour', 'usage_events', 'true'),
    );
    // Sealed as the job leaves it half an hour before the month ends, when the
    // upcoming invoice is timed: every hour but the last, the month not yet whole.
    await db.query(`UPDATE usage_rollup_seal SET sealed_before = $1`, [
      new Date(month.end.getTime() - HOUR_MS).toISOString(),
    ]);
    await db.query(
      rollupInsert(
        'usage_monthly_rollups',
        'month_start',
        'month',
        'usage_events',
        IN_SEALED_HOURS,
      ),
    );
    await db.query(INSERT_UNIQUE_VALUES);
  });
  log(`rollups ${rollups} s`);
  const indexesAndAnalyze = await timed(async () => {
    await db.query(
      'ALTER TABLE usage_event_ids ADD CONSTRAINT usage_event_ids_pkey PRIMARY KEY (event_id)',
    );
    await db.query(
      'CREATE INDEX usage_events_customer_idx ON usage_events (customer_id, meter_id, timestamp)',
    );
    // autovacuum would analyze these soon after a real load; the bench should not depend on its timing
    await db.query('ANALYZE');
  });
  log(`indexes and analyze ${indexesAndAnalyze} s`);
  const total = Math.round((events + eventIds + rollups + indexesAndAnalyze) * 10) / 10;
  return { events, eventIds, rollups, indexesAndAnalyze, total };
}
