import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credit notes: issued documents crediting lines of a finalized (or voided)
 * invoice, numbered without gaps in their own series (CN-000001), never
 * crediting a line beyond what it billed, and their negative revenue in the
 * analytics ledger.
 */
export class CreateCreditNotes1795000000142 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE credit_note_numbering (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        last_number bigint NOT NULL
      )`);
    await db.query('INSERT INTO credit_note_numbering (last_number) VALUES (0)');
    await db.query(`
      CREATE TABLE credit_notes (
        id uuid PRIMARY KEY,
        number text NOT NULL UNIQUE,
        customer_id uuid NOT NULL REFERENCES customers (id),
        invoice_id uuid NOT NULL REFERENCES invoices (id),
        reason text NOT NULL CHECK (reason IN ('void', 'early_end', 'overcharge')),
        memo text,
        currency text NOT NULL,
        subtotal numeric NOT NULL,
        tax numeric NOT NULL,
        total numeric NOT NULL,
        -- the top-up lot the total was refunded to, when asked
        credit_lot_id uuid REFERENCES credit_lots (id),
        -- a retried request or job issues nothing twice
        idempotency_key text NOT NULL UNIQUE,
        issued_at timestamptz NOT NULL
      )`);
    await db.query('CREATE INDEX credit_notes_invoice_idx ON credit_notes (invoice_id)');
    await db.query(
      'CREATE INDEX credit_notes_customer_idx ON credit_notes (customer_id, issued_at)',
    );
    await db.query(`
      CREATE TABLE credit_note_lines (
        credit_note_id uuid NOT NULL REFERENCES credit_notes (id),
        position integer NOT NULL,
        customer_id uuid NOT NULL,
        invoice_id uuid NOT NULL,
        invoice_line_position integer NOT NULL,
        description text NOT NULL,
        amount numeric NOT NULL CHECK (amount <> 0),
        service_period_start timestamptz NOT NULL,
        service_period_end timestamptz NOT NULL,
        PRIMARY KEY (credit_note_id, position),
        FOREIGN KEY (invoice_id, invoice_line_position) REFERENCES invoice_lines (invoice_id, position)
      )`);
    await db.query(
      'CREATE INDEX credit_note_lines_invoice_line_idx ON credit_note_lines (invoice_id, invoice_line_position)',
    );
    // The last guard of "never above what was billed": whatever the code computed, the
    // credits of an invoice line keep its sign and add up to no more than its amount.
    await db.query(`
      CREATE FUNCTION credit_note_lines_within_billed() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        billed numeric;
        credited numeric;
      BEGIN
        SELECT amount INTO billed FROM invoice_lines
        WHERE invoice_id = NEW.invoice_id AND position = NEW.invoice_line_position;
        SELECT sum(amount) INTO credited FROM credit_note_lines
        WHERE invoice_id = NEW.invoice_id AND invoice_line_position = NEW.invoice_line_position;
        IF sign(credited) <> sign(billed) OR abs(credited) > abs(billed) THEN
          RAISE EXCEPTION 'credit notes of invoice % line % credit %, it billed %',
            NEW.invoice_id, NEW.invoice_line_position, credited, billed
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
    await db.query(`
      CREATE TRIGGER credit_note_lines_within_billed AFTER INSERT ON credit_note_lines
      FOR EACH ROW EXECUTE FUNCTION credit_note_lines_within_billed()`);
    // Issued documents, like invoices: never changed or deleted.
    await db.query(`
      CREATE FUNCTION credit_notes_keep_issued() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'credit notes are issued documents: they cannot be changed'
          USING ERRCODE = 'check_violation';
      END $$`);
    for (const table of ['credit_notes', 'credit_note_lines']) {
      await db.query(`
        CREATE TRIGGER ${table}_keep_issued BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION credit_notes_keep_issued()`);
    }

    // The revenue ledger takes a credit note's (negative) revenue; its rows carry the
    // credited invoice too, so voiding that invoice later drops them with it.
    await db.query(
      'ALTER TABLE revenue_months ADD COLUMN credit_note_id uuid REFERENCES credit_notes (id)',
    );
    await db.query('ALTER TABLE revenue_months DROP CONSTRAINT revenue_months_source_check');
    await db.query('ALTER TABLE revenue_months DROP CONSTRAINT revenue_months_check');
    await db.query(`
      ALTER TABLE revenue_months
        ADD CONSTRAINT revenue_months_source_check CHECK (source IN ('invoice', 'import', 'credit_note')),
        ADD CONSTRAINT revenue_months_invoice_check CHECK ((source = 'import') = (invoice_id IS NULL)),
        ADD CONSTRAINT revenue_months_credit_note_check CHECK ((source = 'credit_note') = (credit_note_id IS NOT NULL))`);
    await db.query(
      `CREATE UNIQUE INDEX revenue_months_credit_note_key ON revenue_months (credit_note_id, customer_id, month)
       WHERE source = 'credit_note'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query("DELETE FROM revenue_months WHERE source = 'credit_note'");
    await db.query('DROP INDEX revenue_months_credit_note_key');
    await db.query(`
      ALTER TABLE revenue_months
        DROP CONSTRAINT revenue_months_credit_note_check,
        DROP CONSTRAINT revenue_months_invoice_check,
        DROP CONSTRAINT revenue_months_source_check,
        ADD CONSTRAINT revenue_months_source_check CHECK (source IN ('invoice', 'import')),
        ADD CONSTRAINT revenue_months_check CHECK ((source = 'invoice') = (invoice_id IS NOT NULL)),
        DROP COLUMN credit_note_id`);
    await db.query('DROP TABLE credit_note_lines');
    await db.query('DROP TABLE credit_notes');
    await db.query('DROP FUNCTION credit_notes_keep_issued()');
    await db.query('DROP FUNCTION credit_note_lines_within_billed()');
    await db.query('DROP TABLE credit_note_numbering');
  }
}
