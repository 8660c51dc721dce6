import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Prepaid blocks (issue 10, item 7b): a plan version offers blocks of a
 * metered item's units at volume prices (`prepaid_block_offers`, priced per
 * currency like its rates); a customer buys lots of them, billed on the
 * subscription's next invoice as a `prepaid_block` line, and each invoice
 * draws the item's usage from the unexpired lots before the rate prices the
 * rest (`prepaid_block_draws`, one row per lot and invoice: a retried billing
 * run draws nothing twice). Keys lead with customer_id so the tables co-locate
 * with invoices on Citus.
 */
export class CreatePrepaidBlocks1795000000148 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    // [{billableItem: {id, key}, tiers: [{units, price}], currencyOptions: {EUR: [{units, price}]}, validForDays}]
    await db.query(
      `ALTER TABLE plan_versions ADD COLUMN prepaid_block_offers jsonb NOT NULL DEFAULT '[]'`,
    );
    await db.query(`
      CREATE TABLE prepaid_block_lots (
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        customer_id uuid NOT NULL,
        subscription_id uuid NOT NULL,
        billable_item_id uuid NOT NULL,
        -- billable items are never updated: the key is kept so the ledger answers without joining the catalog
        billable_item_key text NOT NULL,
        currency text NOT NULL,
        units numeric NOT NULL CHECK (units > 0),
        drawn numeric NOT NULL DEFAULT 0 CHECK (drawn >= 0 AND drawn <= units),
        price numeric NOT NULL CHECK (price >= 0),
        valid_from timestamptz NOT NULL,
        expires_at timestamptz NOT NULL CHECK (expires_at > valid_from),
        idempotency_key text,
        invoice_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (customer_id, id),
        UNIQUE (customer_id, idempotency_key)
      )`);
    await db.query(`
      CREATE INDEX prepaid_block_lots_unbilled ON prepaid_block_lots (subscription_id)
      WHERE invoice_id IS NULL`);
    await db.query(`
      CREATE TABLE prepaid_block_draws (
        customer_id uuid NOT NULL,
        lot_id uuid NOT NULL,
        invoice_id uuid NOT NULL,
        units numeric NOT NULL CHECK (units > 0),
        PRIMARY KEY (customer_id, lot_id, invoice_id),
        FOREIGN KEY (customer_id, lot_id) REFERENCES prepaid_block_lots (customer_id, id)
      )`);
    await db.query('ALTER TABLE invoice_lines DROP CONSTRAINT invoice_lines_kind_check');
    await db.query(`
      ALTER TABLE invoice_lines ADD CONSTRAINT invoice_lines_kind_check CHECK (kind IN (
        'usage', 'licence_fee', 'credit', 'minimum_spend', 'commitment_true_up', 'prepaid_commitment',
        'prepaid_block', 'prepaid_block_drawdown'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('ALTER TABLE invoice_lines DROP CONSTRAINT invoice_lines_kind_check');
    await db.query(`
      ALTER TABLE invoice_lines ADD CONSTRAINT invoice_lines_kind_check CHECK (kind IN (
        'usage', 'licence_fee', 'credit', 'minimum_spend', 'commitment_true_up', 'prepaid_commitment'))`);
    await db.query('DROP TABLE prepaid_block_draws');
    await db.query('DROP TABLE prepaid_block_lots');
    await db.query('ALTER TABLE plan_versions DROP COLUMN prepaid_block_offers');
  }
}
