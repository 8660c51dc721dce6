import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The revenue ledger that analytics read: recognized revenue per customer and
 * calendar month (UTC), from finalized invoices (written by the billing run in
 * the finalizing transaction) and from imported history.
 */
export class CreateRevenueMonths1795000000090 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE revenue_months (
        customer_id uuid NOT NULL REFERENCES customers (id),
        month date NOT NULL CHECK (extract(day FROM month) = 1),
        source text NOT NULL CHECK (source IN ('invoice', 'import')),
        invoice_id uuid REFERENCES invoices (id),
        currency text NOT NULL,
        original_amount numeric NOT NULL,
        -- in the reporting currency; NULL when no exchange rate for currency was configured
        -- when the row was recorded (left out of analytics, never guessed)
        amount numeric,
        recorded_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((source = 'invoice') = (invoice_id IS NOT NULL))
      )`);
    // Recording an invoice twice (a retried finalization) adds nothing.
    await db.query(
      `CREATE UNIQUE INDEX revenue_months_invoice_key ON revenue_months (invoice_id, customer_id, month)
       WHERE source = 'invoice'`,
    );
    // An import replaces the customer's imported amount for the month.
    await db.query(
      `CREATE UNIQUE INDEX revenue_months_import_key ON revenue_months (customer_id, month)
       WHERE source = 'import'`,
    );
    // Retention reads two months. Movements and cohorts stream each customer's months in order
    // (index-only, no sort, for their window functions).
    await db.query(
      'CREATE INDEX revenue_months_month_idx ON revenue_months (month, customer_id) INCLUDE (amount, invoice_id)',
    );
    await db.query(
      'CREATE INDEX revenue_months_customer_idx ON revenue_months (customer_id, month) INCLUDE (amount, invoice_id)',
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE revenue_months');
  }
}
