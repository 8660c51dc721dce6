import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Customer-month MRR maintained on write, so analytics read rounded figures
 * instead of aggregating the whole ledger on every request.
 *
 * - customer_month_mrr: a customer-month's ledger rows of both sources summed,
 *   void invoices left out, rounded once to revenue_rounding.minor_units; only
 *   months with MRR > 0 are stored (a missing month is a zero month).
 * - customer_first_month: the month of a customer's first MRR > 0 (NULL while
 *   none), i.e. their cohort. A row also serves as the customer's mutex, below.
 *
 * Statement-level triggers (transition tables: one refresh per statement, so a
 * bulk insert costs one set-based pass) refresh the customer-months a write
 * touches by recomputing them from revenue_months, and voiding an invoice
 * refreshes its customer-months. Recomputing rather than adding deltas keeps
 * the void and the rounding exact; to keep it race-free, a refresh first locks
 * its customers' customer_first_month rows (in id order, so writers cannot
 * deadlock on each other), and in READ COMMITTED its later statements see what
 * a writer it waited for committed.
 */
export class MaintainCustomerMonthMrr1795000000091 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    // The reporting currency's minor units; the app sets it at start-up and rebuilds when it changes.
    await db.query(`
      CREATE TABLE revenue_rounding (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        minor_units int NOT NULL CHECK (minor_units BETWEEN 0 AND 4)
      )`);
    await db.query('INSERT INTO revenue_rounding (minor_units) VALUES (2)');
    // No foreign keys: both tables are derived from revenue_months, which has them, and
    // per-row checks would dominate a bulk load.
    await db.query(`
      CREATE TABLE customer_month_mrr (
        customer_id uuid NOT NULL,
        month date NOT NULL,
        mrr numeric NOT NULL CHECK (mrr > 0),
        PRIMARY KEY (customer_id, month)
      )`);
    // Movements join month M with M − 1 and retention reads two months: by month, index-only.
    await db.query(
      'CREATE INDEX customer_month_mrr_month_idx ON customer_month_mrr (month, customer_id) INCLUDE (mrr)',
    );
    await db.query(`
      CREATE TABLE customer_first_month (
        customer_id uuid PRIMARY KEY,
        first_month date
      )`);
    // Movements read each month's new customers.
    await db.query(
      'CREATE INDEX customer_first_month_month_idx ON customer_first_month (first_month)',
    );
    await db.query(`
      CREATE FUNCTION refresh_customer_mrr(customer_ids uuid[], months date[]) RETURNS void
      LANGUAGE plpgsql AS $$
      DECLARE
        scale int := (SELECT minor_units FROM revenue_rounding);
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
      END $$`);
    // Everything again, from the ledger: after this migration and when the rounding changes.
    await db.query(`
      CREATE FUNCTION rebuild_customer_mrr() RETURNS void LANGUAGE plpgsql AS $$
      BEGIN
        LOCK TABLE revenue_months IN SHARE MODE;
        TRUNCATE customer_month_mrr, customer_first_month;
        PERFORM refresh_customer_mrr(array_agg(customer_id), array_agg(month))
        FROM (SELECT DISTINCT customer_id, month FROM revenue_months) keys;
      END $$`);
    for (const [event, rows] of [
      ['INSERT', 'NEW TABLE AS changed'],
      ['UPDATE', 'NEW TABLE AS changed'],
      ['DELETE', 'OLD TABLE AS changed'],
    ]) {
      const name = `revenue_months_${event.toLowerCase()}_refresh`;
      await db.query(`
        CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          PERFORM refresh_customer_mrr(array_agg(customer_id), array_agg(month)) FROM changed;
          RETURN NULL;
        END $$`);
      // An UPDATE never moves a row to another customer-month (imports update amounts only).
      await db.query(`
        CREATE TRIGGER ${name} AFTER ${event} ON revenue_months REFERENCING ${rows}
        FOR EACH STATEMENT EXECUTE FUNCTION ${name}()`);
    }
    await db.query(`
      CREATE FUNCTION invoices_void_refresh() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM refresh_customer_mrr(array_agg(r.customer_id), array_agg(r.month))
        FROM revenue_months r
        JOIN voided v ON v.id = r.invoice_id
        JOIN before_update b ON b.id = v.id
        WHERE v.status = 'void' AND b.status <> 'void';
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER invoices_void_refresh AFTER UPDATE ON invoices
      REFERENCING OLD TABLE AS before_update NEW TABLE AS voided
      FOR EACH STATEMENT EXECUTE FUNCTION invoices_void_refresh()`);
    await db.query('SELECT rebuild_customer_mrr()');
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER invoices_void_refresh ON invoices');
    await db.query('DROP FUNCTION invoices_void_refresh()');
    for (const event of ['insert', 'update', 'delete']) {
      await db.query(`DROP TRIGGER revenue_months_${event}_refresh ON revenue_months`);
      await db.query(`DROP FUNCTION revenue_months_${event}_refresh()`);
    }
    await db.query('DROP FUNCTION rebuild_customer_mrr()');
    await db.query('DROP FUNCTION refresh_customer_mrr(uuid[], date[])');
    await db.query('DROP TABLE customer_first_month, customer_month_mrr, revenue_rounding');
  }
}
