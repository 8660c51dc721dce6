import { MigrationInterface, QueryRunner } from 'typeorm';

/** A globally unique key of a table distributed by customer: its kind in global_keys, and its SQL text. */
interface GlobalColumn {
  table: string;
  column: string;
  kind: string;
  /** The key as text, from the table's row alias `r`. */
  text: string;
  /** The customer column of the table. */
  customer: string;
}

const COLUMNS: GlobalColumn[] = [
  {
    table: 'customers',
    column: 'external_id',
    kind: 'customer_external_id',
    text: 'r.external_id',
    customer: 'id',
  },
  {
    table: 'customers',
    column: 'unsubscribe_token',
    kind: 'customer_unsubscribe_token',
    text: 'r.unsubscribe_token::text',
    customer: 'id',
  },
  {
    table: 'subscriptions',
    column: 'idempotency_key',
    kind: 'subscription_idempotency_key',
    text: 'r.idempotency_key',
    customer: 'customer_id',
  },
  {
    table: 'usage_page_links',
    column: 'token_digest',
    kind: 'usage_page_token_digest',
    text: "encode(r.token_digest, 'hex')",
    customer: 'customer_id',
  },
  {
    table: 'invoices',
    column: 'number',
    kind: 'invoice_number',
    text: 'r.number',
    customer: 'customer_id',
  },
  {
    table: 'credit_notes',
    column: 'number',
    kind: 'credit_note_number',
    text: 'r.number',
    customer: 'customer_id',
  },
  {
    table: 'credit_notes',
    column: 'idempotency_key',
    kind: 'credit_note_idempotency_key',
    text: 'r.idempotency_key',
    customer: 'customer_id',
  },
];

/**
 * Claimed by triggers when this landed: their writes are in src/invoicing/,
 * whose SQL was being moved then. The trigger claims in the writing
 * transaction as claimGlobalKeys does; migration 1795000000197 drops it now
 * that the invoicing code claims them (on Citus a trigger writing another
 * table needs citus.enable_unsafe_triggers).
 */
const BY_TRIGGER = new Set(['invoice_number', 'credit_note_number', 'credit_note_idempotency_key']);

const constraintOf = (key: GlobalColumn) => `${key.table}_${key.column}_key`;
const triggerOf = (key: GlobalColumn) => `${key.table}_${key.column}_claim`;

/**
 * Citus distribution by customer (README, "Scaling"): the keys the contract
 * makes unique across customers move to `global_keys` (src/database/
 * global-key-lookup.ts), distributed by the key, backfilled here from the rows
 * that hold them; each table's own unique key on the column then gains the
 * customer, which Citus requires, and the index still finds a row by the key.
 */
export class CreateGlobalKeyLookup1795000000193 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE global_keys (
        key text NOT NULL,
        kind text NOT NULL,
        customer_id uuid NOT NULL,
        PRIMARY KEY (key, kind)
      )`);
    for (const key of COLUMNS) {
      await db.query(
        `INSERT INTO global_keys (key, kind, customer_id)
         SELECT ${key.text}, '${key.kind}', r.${key.customer} FROM ${key.table} r WHERE r.${key.column} IS NOT NULL`,
      );
      await db.query(
        `ALTER TABLE ${key.table} DROP CONSTRAINT ${constraintOf(key)},
           ADD CONSTRAINT ${constraintOf(key)} UNIQUE (${key.column}, ${key.customer})`,
      );
    }
    await createClaimTriggers(db);
  }

  async down(db: QueryRunner): Promise<void> {
    await dropClaimTriggers(db);
    for (const key of COLUMNS) {
      await db.query(
        `ALTER TABLE ${key.table} DROP CONSTRAINT ${constraintOf(key)},
           ADD CONSTRAINT ${constraintOf(key)} UNIQUE (${key.column})`,
      );
    }
    await db.query('DROP TABLE global_keys');
  }
}

/**
 * The triggers claiming the keys set by src/invoicing/ SQL, on insert and on an
 * update that changes one (finalizing numbers a draft). Migration 1795000000197
 * drops them, the invoicing code claiming its keys itself since.
 */
export async function createClaimTriggers(db: QueryRunner): Promise<void> {
  await db.query(`
      CREATE FUNCTION claim_global_key() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        claim_kind text := TG_ARGV[0];
        new_key text := to_jsonb(NEW) ->> TG_ARGV[1];
        old_key text := CASE WHEN TG_OP = 'UPDATE' THEN to_jsonb(OLD) ->> TG_ARGV[1] END;
      BEGIN
        IF old_key IS NOT NULL THEN
          DELETE FROM global_keys g WHERE g.key = old_key AND g.kind = claim_kind;
        END IF;
        IF new_key IS NOT NULL THEN
          INSERT INTO global_keys (key, kind, customer_id) VALUES (new_key, claim_kind, NEW.customer_id);
        END IF;
        RETURN NULL;
      END $$`);
  for (const key of COLUMNS.filter((column) => BY_TRIGGER.has(column.kind))) {
    await db.query(
      `CREATE TRIGGER ${triggerOf(key)}_insert AFTER INSERT ON ${key.table} FOR EACH ROW
           WHEN (NEW.${key.column} IS NOT NULL) EXECUTE FUNCTION claim_global_key('${key.kind}', '${key.column}')`,
    );
    await db.query(
      `CREATE TRIGGER ${triggerOf(key)}_update AFTER UPDATE OF ${key.column} ON ${key.table} FOR EACH ROW
           WHEN (OLD.${key.column} IS DISTINCT FROM NEW.${key.column})
           EXECUTE FUNCTION claim_global_key('${key.kind}', '${key.column}')`,
    );
  }
}

export async function dropClaimTriggers(db: QueryRunner): Promise<void> {
  for (const key of COLUMNS.filter((column) => BY_TRIGGER.has(column.kind))) {
    await db.query(`DROP TRIGGER ${triggerOf(key)}_update ON ${key.table}`);
    await db.query(`DROP TRIGGER ${triggerOf(key)}_insert ON ${key.table}`);
  }
  await db.query('DROP FUNCTION claim_global_key()');
}
