import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What billing runs need beside the invoice tables: the usage bound an invoice
 * closes when it is finalized, indexes for listing and for leftover drafts, and
 * triggers that keep finalized and void invoices (and their lines) as issued.
 */
export class GuardInvoices1795000000031 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    // End of the last service interval whose usage the invoice bills; finalizing it
    // moves customers.usage_closed_before there, so later events for it are refused.
    await db.query('ALTER TABLE invoices ADD COLUMN usage_billed_until timestamptz');
    await db.query('CREATE INDEX invoices_listing_idx ON invoices (period_start DESC, id DESC)');
    await db.query(
      "CREATE INDEX invoices_drafts_idx ON invoices (period_end, id) WHERE status = 'draft'",
    );

    // An issued invoice is a legal document: only voiding (status and voided_at) may touch it.
    await db.query(`
      CREATE FUNCTION invoices_keep_issued() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          IF OLD.status <> 'draft' THEN
            RAISE EXCEPTION 'invoice % is %: it cannot be deleted', OLD.id, OLD.status
              USING ERRCODE = 'check_violation';
          END IF;
          RETURN OLD;
        END IF;
        IF OLD.status = 'void'
           OR (OLD.status = 'finalized'
               AND (NEW.status <> 'void'
                    OR to_jsonb(NEW) - 'status' - 'voided_at' <> to_jsonb(OLD) - 'status' - 'voided_at')) THEN
          RAISE EXCEPTION 'invoice % is %: it cannot be changed', OLD.id, OLD.status
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER invoices_keep_issued BEFORE UPDATE OR DELETE ON invoices
      FOR EACH ROW EXECUTE FUNCTION invoices_keep_issued()`);
    await db.query(`
      CREATE FUNCTION invoice_lines_keep_issued() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        invoice_status text;
      BEGIN
        SELECT status INTO invoice_status FROM invoices
        WHERE id = CASE WHEN TG_OP = 'INSERT' THEN NEW.invoice_id ELSE OLD.invoice_id END;
        IF invoice_status <> 'draft' THEN
          RAISE EXCEPTION 'the lines of a % invoice cannot be changed', invoice_status
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
      END $$`);
    await db.query(`
      CREATE TRIGGER invoice_lines_keep_issued BEFORE INSERT OR UPDATE OR DELETE ON invoice_lines
      FOR EACH ROW EXECUTE FUNCTION invoice_lines_keep_issued()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TRIGGER invoice_lines_keep_issued ON invoice_lines');
    await db.query('DROP FUNCTION invoice_lines_keep_issued()');
    await db.query('DROP TRIGGER invoices_keep_issued ON invoices');
    await db.query('DROP FUNCTION invoices_keep_issued()');
    await db.query('DROP INDEX invoices_drafts_idx');
    await db.query('DROP INDEX invoices_listing_idx');
    await db.query('ALTER TABLE invoices DROP COLUMN usage_billed_until');
  }
}
