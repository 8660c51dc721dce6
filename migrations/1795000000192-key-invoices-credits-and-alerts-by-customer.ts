import { MigrationInterface, QueryRunner } from 'typeorm';

/** A constraint replaced in place: same name, the customer added to its columns. */
interface Rekeyed {
  table: string;
  name: string;
  before: string;
  after: string;
}

const FOREIGN_KEYS: Rekeyed[] = [
  ['invoice_lines', 'invoice_id', 'invoices', 'ON DELETE CASCADE'],
  ['credit_consumptions', 'invoice_id', 'invoices', ''],
  ['credit_consumptions', 'lot_id', 'credit_lots', ''],
  ['credit_lots', 'rolled_over_from', 'credit_lots', ''],
  ['credit_notes', 'invoice_id', 'invoices', ''],
  ['credit_notes', 'credit_lot_id', 'credit_lots', ''],
  ['credit_note_lines', 'credit_note_id', 'credit_notes', ''],
  ['revenue_months', 'invoice_id', 'invoices', ''],
  ['revenue_months', 'credit_note_id', 'credit_notes', ''],
].map(([table, column, target, action]) => ({
  table,
  name: `${table}_${column}_fkey`,
  before: `FOREIGN KEY (${column}) REFERENCES ${target} (id) ${action}`,
  after: `FOREIGN KEY (customer_id, ${column}) REFERENCES ${target} (customer_id, id) ${action}`,
}));
FOREIGN_KEYS.push({
  table: 'credit_note_lines',
  name: 'credit_note_lines_invoice_id_invoice_line_position_fkey',
  before:
    'FOREIGN KEY (invoice_id, invoice_line_position) REFERENCES invoice_lines (invoice_id, position)',
  after: `FOREIGN KEY (customer_id, invoice_id, invoice_line_position)
          REFERENCES invoice_lines (customer_id, invoice_id, position)`,
});

/** Primary and unique keys, the customer appended: the index still serves lookups by its old columns. */
const KEYS: Rekeyed[] = [
  ['invoices', 'invoices_pkey', 'PRIMARY KEY (id)'],
  [
    'invoices',
    'invoices_subscription_id_period_start_key',
    'UNIQUE (subscription_id, period_start)',
  ],
  ['invoice_lines', 'invoice_lines_pkey', 'PRIMARY KEY (invoice_id, position)'],
  ['credit_lots', 'credit_lots_pkey', 'PRIMARY KEY (id)'],
  ['credit_lots', 'credit_lots_rolled_over_from_key', 'UNIQUE (rolled_over_from)'],
  [
    'credit_lots',
    'credit_lots_subscription_id_plan_credit_grant_id_valid_from_key',
    'UNIQUE (subscription_id, plan_credit_grant_id, valid_from)',
  ],
  ['credit_consumptions', 'credit_consumptions_pkey', 'PRIMARY KEY (lot_id, invoice_id)'],
  ['credit_notes', 'credit_notes_pkey', 'PRIMARY KEY (id)'],
  ['credit_note_lines', 'credit_note_lines_pkey', 'PRIMARY KEY (credit_note_id, position)'],
  ['alerts', 'alerts_pkey', 'PRIMARY KEY (id)'],
  [
    'alerts',
    'alerts_once_per_level',
    'UNIQUE NULLS NOT DISTINCT (rule_id, subscription_id, interval_start, armed_from, level, meter_id)',
  ],
  ['usage_page_requests', 'usage_page_requests_pkey', 'PRIMARY KEY (id)'],
].map(([table, name, before]) => ({
  table,
  name,
  before,
  after: before.replace(')', ', customer_id)'),
}));

/** Unique indexes with a predicate or an expression, which no constraint can hold. */
const INDEXES: Array<{ name: string; before: string; after: string }> = [
  {
    name: 'credit_lots_commitment_window',
    before: "credit_lots (subscription_id, valid_from) WHERE kind = 'commitment'",
    after: "credit_lots (subscription_id, valid_from, customer_id) WHERE kind = 'commitment'",
  },
  {
    name: 'usage_page_requests_once',
    before: "usage_page_requests (subscription_id, kind, coalesce(plan_key, ''), interval_start)",
    after:
      "usage_page_requests (subscription_id, kind, coalesce(plan_key, ''), interval_start, customer_id)",
  },
];

/**
 * Citus distribution by customer (README, "Scaling"), as migration 191 did for
 * subscriptions: invoices, their lines, credit lots and consumptions, credit
 * notes, alerts and usage page requests get the customer in every key, and
 * every foreign key between them (and from the revenue ledger) becomes
 * (customer_id, x_id) → x (customer_id, id). Every row already carries its
 * customer and an id belongs to one customer, so no key is looser than before.
 */
export class KeyInvoicesCreditsAndAlertsByCustomer1795000000192 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    await rekey(db, 'after');
  }

  async down(db: QueryRunner): Promise<void> {
    await rekey(db, 'before');
  }
}

async function rekey(db: QueryRunner, to: 'before' | 'after'): Promise<void> {
  for (const key of FOREIGN_KEYS) {
    await db.query(`ALTER TABLE ${key.table} DROP CONSTRAINT ${key.name}`);
  }
  for (const key of KEYS) {
    await db.query(
      `ALTER TABLE ${key.table} DROP CONSTRAINT ${key.name}, ADD CONSTRAINT ${key.name} ${key[to]}`,
    );
  }
  for (const index of INDEXES) {
    await db.query(`DROP INDEX ${index.name}`);
    await db.query(`CREATE UNIQUE INDEX ${index.name} ON ${index[to]}`);
  }
  for (const key of FOREIGN_KEYS) {
    await db.query(`ALTER TABLE ${key.table} ADD CONSTRAINT ${key.name} ${key[to]}`);
  }
}
