import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What sales did with the deals/opportunities we opened: their CRM stage,
 * won/lost/open and amount, read back incrementally from each CRM, and where
 * that read stopped (the CRM's last-modified time and record id), so a
 * restarted job resumes there.
 */
export class CreateCrmDealOutcomes1795000000121 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE crm_deal_outcomes (
        provider text NOT NULL,
        deal_key text NOT NULL,
        customer_id uuid NOT NULL,
        crm_id text NOT NULL,
        stage text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('open', 'won', 'lost')),
        amount numeric,
        currency text,
        crm_created_at timestamptz NOT NULL,
        crm_modified_at timestamptz NOT NULL,
        read_at timestamptz NOT NULL DEFAULT now(),
        -- The customer (the key's prefix) leads the key: the table is placed by customer.
        PRIMARY KEY (customer_id, provider, deal_key)
      )`);
    await db.query(`
      CREATE TABLE crm_read_cursors (
        provider text NOT NULL,
        object text NOT NULL,
        modified_since timestamptz NOT NULL,
        last_id text NOT NULL,
        PRIMARY KEY (provider, object)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE crm_read_cursors');
    await db.query('DROP TABLE crm_deal_outcomes');
  }
}
