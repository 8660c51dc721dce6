import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sums per month and smoothing; `arrived` is new + reactivated (readers split them). */
const SUMS = ['opening', 'closing', 'new', 'expansion', 'contraction', 'churned', 'arrived'];
const COUNTS = ['new_count', 'expanded_count', 'contracted_count', 'churned_count'];
const MORE_COUNTS = ['arrived_count', 'active_count'];
const FIGURES = [...SUMS, ...COUNTS, ...MORE_COUNTS];

/**
 * MRR movements and cohort cells per month kept on write, beside the
 * customer-month MRR they derive from (migration 1795000000091), so the
 * movements, expansion and cohort endpoints read a few hundred small rows
 * instead of joining every customer's months on each request (11.9 s for the
 * smoothed movements at 100 000 customers × 24 months).
 *
 * mrr_movement_months holds, per month, view (raw or trailing 3-month average)
 * and shard of customers, the sums and counts that analytics.repository.ts
 * reads; mrr_cohort_months, per cohort, month and shard, the customers with
 * MRR and their MRR. refresh_customer_mrr now takes its customers' rows of
 * both before and after it rewrites their months (a customer's whole history,
 * a few dozen rows) and adds the difference. Adding differences is
 * exact because every figure is a sum over customers; the customer_first_month
 * lock already orders writers of one customer. Shards (by the customer id's
 * last byte) spread concurrent writers, say two billing workers finalizing the
 * same month, over 32 rows per month instead of one; rows are written in key
 * order, so writers never deadlock on them.
 */
export class MaintainMrrMovements1795000000170 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE mrr_movement_months (
        month date NOT NULL,
        smoothing text NOT NULL CHECK (smoothing IN ('none', 'trailing3')),
        shard smallint NOT NULL,
        ${SUMS.map((sum) => `${sum} numeric NOT NULL`).join(', ')},
        ${[...COUNTS, ...MORE_COUNTS].map((count) => `${count} bigint NOT NULL`).join(', ')},
        PRIMARY KEY (month, smoothing, shard)
      )`);
    await db.query(`
      CREATE TABLE mrr_cohort_months (
        cohort date NOT NULL,
        month date NOT NULL,
        shard smallint NOT NULL,
        customers bigint NOT NULL,
        mrr numeric NOT NULL,
        PRIMARY KEY (cohort, month, shard)
      )`);
    // Some customers' movements in every month their MRR (raw, or its trailing 3-month average
    // rounded to scale, as trailingAverage in revenue-metrics.ts) touches, summed per month,
    // view and shard. Mirrors mrrMovements/classifyMovement: a month is paired with the one
    // before; an arrival is new in the customer's first month with MRR, reactivated otherwise.
    // One sort per customer serves both views (a bulk load passes 100 000 customers at once).
    await db.query(`
      CREATE FUNCTION customer_mrr_movements(customer_ids uuid[], scale int)
      RETURNS TABLE (month date, smoothing text, shard smallint,
        ${FIGURES.map((figure) => `${figure} ${SUMS.includes(figure) ? 'numeric' : 'bigint'}`).join(', ')})
      LANGUAGE sql STABLE SET work_mem = '64MB' AS $$
        WITH span AS (
          SELECT m.customer_id, min(m.month) AS first, max(m.month) AS last
          FROM unnest(customer_ids) AS k (customer_id)
          JOIN customer_month_mrr m ON m.customer_id = k.customer_id
          GROUP BY m.customer_id
        ), dense AS (
          -- Three months past the last one: the smoothed view churns two months later than the raw one.
          SELECT s.customer_id, g.month::date AS month, coalesce(m.mrr, 0) AS raw
          FROM span s
          CROSS JOIN LATERAL generate_series(s.first, s.last + interval '3 months', interval '1 month') AS g (month)
          LEFT JOIN customer_month_mrr m ON m.customer_id = s.customer_id AND m.month = g.month::date
        ), averaged AS (
          SELECT customer_id, month, raw,
            round(sum(raw) OVER (PARTITION BY customer_id ORDER BY month ROWS 2 PRECEDING) / 3, scale) AS average
          FROM dense
        ), paired AS (
          SELECT customer_id, month, raw, average,
            lag(raw) OVER w AS raw_before, lag(average) OVER w AS average_before
          FROM averaged
          WINDOW w AS (PARTITION BY customer_id ORDER BY month)
        )
        SELECT x.month, v.smoothing, (get_byte(uuid_send(x.customer_id), 15) & 31)::smallint,
          coalesce(sum(v.p), 0), coalesce(sum(v.c), 0),
          coalesce(sum(v.c) FILTER (WHERE f.first_month = x.month), 0),
          coalesce(sum(v.c - v.p) FILTER (WHERE v.c > v.p), 0),
          coalesce(sum(v.p - v.c) FILTER (WHERE v.c < v.p), 0),
          coalesce(sum(v.p) FILTER (WHERE v.c IS NULL), 0),
          coalesce(sum(v.c) FILTER (WHERE v.p IS NULL), 0),
          count(v.c) FILTER (WHERE f.first_month = x.month),
          count(*) FILTER (WHERE v.c > v.p),
          count(*) FILTER (WHERE v.c < v.p),
          count(*) FILTER (WHERE v.c IS NULL),
          count(*) FILTER (WHERE v.p IS NULL),
          count(v.c)
        FROM paired x
        JOIN customer_first_month f ON f.customer_id = x.customer_id
        CROSS JOIN LATERAL (VALUES
          ('none', nullif(x.raw, 0), nullif(x.raw_before, 0)),
          ('trailing3', nullif(x.average, 0), nullif(x.average_before, 0))
        ) AS v (smoothing, c, p)
        WHERE v.c IS NOT NULL OR v.p IS NOT NULL
        GROUP BY 1, 2, 3
      $$`);
    // Some customers' cohort cells (cohortCells in revenue-metrics.ts): their cohort (first month
    // with MRR), and per month their count and MRR, per shard.
    await db.query(`
      CREATE FUNCTION customer_cohort_cells(customer_ids uuid[])
      RETURNS TABLE (cohort date, month date, shard smallint, customers bigint, mrr numeric)
      LANGUAGE sql STABLE AS $$
        SELECT f.first_month, m.month, (get_byte(uuid_send(m.customer_id), 15) & 31)::smallint,
          count(*), sum(m.mrr)
        FROM unnest(customer_ids) AS k (customer_id)
        JOIN customer_first_month f ON f.customer_id = k.customer_id
        JOIN customer_month_mrr m ON m.customer_id = k.customer_id
        GROUP BY 1, 2, 3
      $$`);
    await db.query(refreshFunction(true));
    await db.query(`
      CREATE OR REPLACE FUNCTION rebuild_customer_mrr() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        LOCK TABLE revenue_months IN SHARE MODE;
        TRUNCATE customer_month_mrr, customer_first_month, mrr_movement_months, mrr_cohort_months;
        PERFORM refresh_customer_mrr(array_agg(customer_id), array_agg(month))
        FROM (SELECT DISTINCT customer_id, month FROM revenue_months) keys;
      END $$`);
    await db.query('SELECT rebuild_customer_mrr()');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(refreshFunction(false));
    await db.query(`
      CREATE OR REPLACE FUNCTION rebuild_customer_mrr() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        LOCK TABLE revenue_months IN SHARE MODE;
        TRUNCATE customer_month_mrr, customer_first_month;
        PERFORM refresh_customer_mrr(array_agg(customer_id), array_agg(month))
        FROM (SELECT DISTINCT customer_id, month FROM revenue_months) keys;
      END $$`);
    await db.query('DROP FUNCTION customer_cohort_cells(uuid[])');
    await db.query('DROP FUNCTION customer_mrr_movements(uuid[], int)');
    await db.query('DROP TABLE mrr_cohort_months, mrr_movement_months');
  }
}

/** The per-customer figures kept as sums: table, the function giving some customers' rows, its key. */
const KEPT = [
  {
    table: 'mrr_movement_months',
    of: 'customer_mrr_movements(refreshed_customers, scale)',
    key: ['month', 'smoothing', 'shard'],
    figures: FIGURES,
  },
  {
    table: 'mrr_cohort_months',
    of: 'customer_cohort_cells(refreshed_customers)',
    key: ['cohort', 'month', 'shard'],
    figures: ['customers', 'mrr'],
  },
];

/** refresh_customer_mrr of migration 1795000000091, keeping movements and cohorts too when `kept`. */
function refreshFunction(kept: boolean): string {
  const before = kept
    ? `
        refreshed_customers := array(SELECT DISTINCT customer_id FROM refreshed_keys ORDER BY customer_id);` +
      KEPT.map(
        ({ table, of }) => `
        IF to_regclass('pg_temp.${table}_before') IS NULL THEN
          CREATE TEMP TABLE ${table}_before ON COMMIT DELETE ROWS AS SELECT * FROM ${of} WITH NO DATA;
        END IF;
        TRUNCATE ${table}_before;
        INSERT INTO ${table}_before SELECT * FROM ${of};`,
      ).join('')
    : '';
  // The difference, added in key order (concurrent writers lock rows in one order: no deadlock).
  const after = kept
    ? KEPT.map(
        ({ table, of, key, figures }) => `
        INSERT INTO ${table} AS t
        SELECT ${key.join(', ')}, ${figures.map((figure) => `sum(${figure})`).join(', ')}
        FROM (
          SELECT * FROM ${of}
          UNION ALL
          SELECT ${key.join(', ')}, ${figures.map((figure) => `-${figure}`).join(', ')} FROM ${table}_before
        ) difference
        GROUP BY ${key.join(', ')}
        ORDER BY ${key.join(', ')}
        ON CONFLICT (${key.join(', ')}) DO UPDATE SET
          ${figures.map((figure) => `${figure} = t.${figure} + excluded.${figure}`).join(', ')};`,
      ).join('')
    : '';
  return `
      CREATE OR REPLACE FUNCTION refresh_customer_mrr(customer_ids uuid[], months date[]) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        scale int := (SELECT minor_units FROM revenue_rounding);
        refreshed_customers uuid[];
      BEGIN
        IF customer_ids IS NULL THEN
          RETURN;
        END IF;
        -- A temporary table, analyzed, so a bulk load of millions of keys gets hash joins.
        IF to_regclass('pg_temp.refreshed_keys') IS NULL THEN
          CREATE TEMP TABLE refreshed_keys (customer_id uuid, month date) ON COMMIT DELETE ROWS;
        END IF;
        TRUNCATE refreshed_keys;
        INSERT INTO refreshed_keys SELECT DISTINCT * FROM unnest(customer_ids, months);
        ANALYZE refreshed_keys;
        -- The mutex: each statement below starts after every writer of these customers committed.
        INSERT INTO customer_first_month (customer_id)
        SELECT DISTINCT customer_id FROM refreshed_keys ORDER BY customer_id
        ON CONFLICT (customer_id) DO UPDATE SET first_month = customer_first_month.first_month;
        ${before}

        DELETE FROM customer_month_mrr m USING refreshed_keys k
        WHERE m.customer_id = k.customer_id AND m.month = k.month;
        INSERT INTO customer_month_mrr (customer_id, month, mrr)
        SELECT r.customer_id, r.month, round(sum(r.amount), scale)
        FROM revenue_months r
        JOIN refreshed_keys k ON k.customer_id = r.customer_id AND k.month = r.month
        WHERE r.amount IS NOT NULL
          AND NOT EXISTS (SELECT FROM invoices i WHERE i.id = r.invoice_id AND i.status = 'void')
        GROUP BY r.customer_id, r.month
        HAVING round(sum(r.amount), scale) > 0;

        UPDATE customer_first_month f
        SET first_month = (SELECT min(m.month) FROM customer_month_mrr m WHERE m.customer_id = f.customer_id)
        WHERE f.customer_id IN (SELECT customer_id FROM refreshed_keys);
        ${after}
      END $$`;
}
