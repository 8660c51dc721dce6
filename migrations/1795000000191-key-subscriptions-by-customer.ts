import { MigrationInterface, QueryRunner } from 'typeorm';

/** A subscription's own rows that did not carry its customer yet. */
const CHILDREN_WITHOUT_CUSTOMER = [
  'subscription_licences',
  'subscription_plan_changes',
  'entitlement_subscription_quotas',
];
/** Every table pointing to subscriptions, by its foreign key on subscription_id. */
const REFERENCING = [
  ...CHILDREN_WITHOUT_CUSTOMER,
  'entitlement_quota_hits',
  'invoices',
  'credit_lots',
  'alerts',
];

/**
 * Citus distribution by customer (README, "Scaling"): a subscription and the
 * rows hanging from it are keyed with the customer, so they live on one
 * node. The children of a subscription get its customer_id (backfilled from
 * it), every key gains the customer, and every foreign key to a subscription
 * becomes (customer_id, subscription_id) → subscriptions (customer_id, id).
 * The keys stay as strict as before (a subscription id belongs to one
 * customer), and the customer comes last in each so the same index still
 * finds rows by subscription id alone.
 */
export class KeySubscriptionsByCustomer1795000000191 implements MigrationInterface {
  async up(db: QueryRunner): Promise<void> {
    for (const table of CHILDREN_WITHOUT_CUSTOMER) {
      await db.query(`ALTER TABLE ${table} ADD COLUMN customer_id uuid`);
      await db.query(
        `UPDATE ${table} c SET customer_id = s.customer_id FROM subscriptions s WHERE s.id = c.subscription_id`,
      );
      await db.query(`ALTER TABLE ${table} ALTER COLUMN customer_id SET NOT NULL`);
    }
    for (const table of REFERENCING) {
      await db.query(`ALTER TABLE ${table} DROP CONSTRAINT ${table}_subscription_id_fkey`);
    }
    await db.query(`
      ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_pkey, ADD PRIMARY KEY (id, customer_id)`);
    for (const table of REFERENCING) {
      await db.query(`
        ALTER TABLE ${table} ADD CONSTRAINT ${table}_customer_id_subscription_id_fkey
          FOREIGN KEY (customer_id, subscription_id) REFERENCES subscriptions (customer_id, id)`);
    }
    await db.query(`
      ALTER TABLE subscription_licences DROP CONSTRAINT subscription_licences_pkey,
        ADD PRIMARY KEY (subscription_id, billable_item_id, effective_at, customer_id)`);
    await db.query(`
      ALTER TABLE subscription_plan_changes DROP CONSTRAINT subscription_plan_changes_pkey,
        ADD PRIMARY KEY (subscription_id, effective_at, customer_id),
        DROP CONSTRAINT subscription_plan_changes_idempotency_key,
        ADD CONSTRAINT subscription_plan_changes_idempotency_key
          UNIQUE (subscription_id, idempotency_key, customer_id)`);
    await db.query(`
      ALTER TABLE entitlement_subscription_quotas DROP CONSTRAINT entitlement_subscription_quotas_pkey,
        ADD PRIMARY KEY (subscription_id, meter_id, quota_window, alignment, customer_id)`);
    await db.query(`
      ALTER TABLE entitlement_quota_hits DROP CONSTRAINT entitlement_quota_hits_pkey,
        ADD PRIMARY KEY (subscription_id, meter_id, quota_window, alignment, window_start, customer_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE entitlement_quota_hits DROP CONSTRAINT entitlement_quota_hits_pkey,
        ADD PRIMARY KEY (subscription_id, meter_id, quota_window, alignment, window_start)`);
    await db.query(`
      ALTER TABLE entitlement_subscription_quotas DROP CONSTRAINT entitlement_subscription_quotas_pkey,
        ADD PRIMARY KEY (subscription_id, meter_id, quota_window, alignment)`);
    await db.query(`
      ALTER TABLE subscription_plan_changes DROP CONSTRAINT subscription_plan_changes_pkey,
        ADD PRIMARY KEY (subscription_id, effective_at),
        DROP CONSTRAINT subscription_plan_changes_idempotency_key,
        ADD CONSTRAINT subscription_plan_changes_idempotency_key UNIQUE (subscription_id, idempotency_key)`);
    await db.query(`
      ALTER TABLE subscription_licences DROP CONSTRAINT subscription_licences_pkey,
        ADD PRIMARY KEY (subscription_id, billable_item_id, effective_at)`);
    for (const table of REFERENCING) {
      await db.query(
        `ALTER TABLE ${table} DROP CONSTRAINT ${table}_customer_id_subscription_id_fkey`,
      );
    }
    await db.query(
      'ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_pkey, ADD PRIMARY KEY (id)',
    );
    for (const table of REFERENCING) {
      await db.query(`
        ALTER TABLE ${table} ADD CONSTRAINT ${table}_subscription_id_fkey
          FOREIGN KEY (subscription_id) REFERENCES subscriptions (id)`);
    }
    for (const table of CHILDREN_WITHOUT_CUSTOMER) {
      await db.query(`ALTER TABLE ${table} DROP COLUMN customer_id`);
    }
  }
}
