import { MigrationInterface, QueryRunner } from 'typeorm';

/** Invoices and their lines, gapless numbering, the credit ledger, and plan version changes. */
export class CreateInvoicesAndCredits1795000000030 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE invoices (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers (id),
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        plan_version_id uuid NOT NULL REFERENCES plan_versions (id),
        period_start timestamptz NOT NULL,
        period_end timestamptz NOT NULL CHECK (period_end > period_start),
        status text NOT NULL CHECK (status IN ('draft', 'finalized', 'void')),
        -- assigned at finalization, from invoice_numbering, so finalized numbers have no gaps
        number text UNIQUE,
        currency text NOT NULL,
        tax_rate numeric NOT NULL,
        subtotal numeric NOT NULL,
        credits_applied numeric NOT NULL CHECK (credits_applied <= 0),
        tax numeric NOT NULL,
        total numeric NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        finalized_at timestamptz,
        voided_at timestamptz,
        -- one invoice per subscription and billing period: retried billing runs create nothing new
        UNIQUE (subscription_id, period_start),
        CHECK ((status = 'draft') = (number IS NULL) OR status = 'void')
      )`);
    await db.query('CREATE INDEX invoices_customer_idx ON invoices (customer_id, period_start)');
    await db.query(`
      CREATE TABLE invoice_lines (
        invoice_id uuid NOT NULL REFERENCES invoices (id) ON DELETE CASCADE,
        position integer NOT NULL,
        customer_id uuid NOT NULL,
        kind text NOT NULL CHECK (kind IN ('usage', 'licence_fee', 'credit')),
        billable_item_id uuid REFERENCES billable_items (id),
        credit_lot_id uuid,
        description text NOT NULL,
        quantity numeric,
        unit_amount numeric,
        service_period_start timestamptz NOT NULL,
        service_period_end timestamptz NOT NULL,
        exact_amount numeric NOT NULL,
        amount numeric NOT NULL,
        breakdown jsonb NOT NULL DEFAULT '[]',
        PRIMARY KEY (invoice_id, position)
      )`);
    await db.query(`
      CREATE TABLE invoice_numbering (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        last_number bigint NOT NULL
      )`);
    await db.query('INSERT INTO invoice_numbering (last_number) VALUES (0)');
    await db.query(`
      CREATE TABLE credit_lots (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL REFERENCES customers (id),
        kind text NOT NULL CHECK (kind IN ('grant', 'top_up')),
        name text NOT NULL,
        currency text NOT NULL,
        amount numeric NOT NULL CHECK (amount > 0),
        -- Σ credit_consumptions.amount of the lot, kept by the statement that records them. On the
        -- lot row, so spending locks and updates the row: a concurrent finalization waits and then
        -- sees what is left, and the CHECK refuses to spend more than the lot holds.
        consumed numeric NOT NULL DEFAULT 0 CHECK (consumed >= 0 AND consumed <= amount),
        -- billable items the credit pays for; NULL = every item
        applies_to uuid[],
        valid_from timestamptz NOT NULL,
        expires_at timestamptz CHECK (expires_at IS NULL OR expires_at > valid_from),
        subscription_id uuid REFERENCES subscriptions (id),
        plan_credit_grant_id uuid REFERENCES plan_version_credit_grants (id),
        idempotency_key text,
        created_at timestamptz NOT NULL DEFAULT now(),
        -- a grant lot comes from a plan credit grant of a subscription; a top-up from neither
        CHECK ((kind = 'grant') = (subscription_id IS NOT NULL AND plan_credit_grant_id IS NOT NULL)),
        CHECK (kind = 'top_up' OR idempotency_key IS NULL),
        -- a plan grant is issued once per subscription and service interval
        UNIQUE (subscription_id, plan_credit_grant_id, valid_from),
        UNIQUE (customer_id, idempotency_key)
      )`);
    await db.query(
      'CREATE INDEX credit_lots_customer_idx ON credit_lots (customer_id, currency, expires_at)',
    );
    await db.query(`
      CREATE TABLE credit_consumptions (
        lot_id uuid NOT NULL REFERENCES credit_lots (id),
        invoice_id uuid NOT NULL REFERENCES invoices (id),
        customer_id uuid NOT NULL,
        amount numeric NOT NULL CHECK (amount > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (lot_id, invoice_id)
      )`);
    await db.query(`
      CREATE TABLE subscription_plan_changes (
        subscription_id uuid NOT NULL REFERENCES subscriptions (id),
        plan_version_id uuid NOT NULL REFERENCES plan_versions (id),
        effective_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (subscription_id, effective_at)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'subscription_plan_changes',
      'credit_consumptions',
      'credit_lots',
      'invoice_numbering',
      'invoice_lines',
      'invoices',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
