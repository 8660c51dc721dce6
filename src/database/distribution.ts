/**
 * How each table would be placed on Citus (distributed PostgreSQL), the path
 * past one database server (README, "Scaling"). One entry per table: a new
 * table fails test/e2e/citus-readiness.e2e-spec.ts until it is classified here.
 *
 * - distributed: sharded by `column`, the customer, so one customer's rows of
 *   every table live on one node and customer-scoped statements (ingestion,
 *   billing a subscription, a customer's usage) run there whole. Every unique
 *   key must include the column, and a foreign key to another distributed
 *   table must too (co-location).
 * - reference: the catalog and settings, small and read by every node, copied
 *   to each of them.
 * - local: stays on the coordinator (bookkeeping nobody joins).
 */
export type Placement =
  { kind: 'distributed'; column: string } | { kind: 'reference' } | { kind: 'local' };

const BY_CUSTOMER: Placement = { kind: 'distributed', column: 'customer_id' };
const REFERENCE: Placement = { kind: 'reference' };

export const TABLE_PLACEMENT: Readonly<Record<string, Placement>> = {
  // A customer is its own shard key.
  customers: { kind: 'distributed', column: 'id' },
  subscriptions: BY_CUSTOMER,
  subscription_licences: BY_CUSTOMER,
  subscription_plan_changes: BY_CUSTOMER,
  usage_events: BY_CUSTOMER,
  usage_hourly_rollups: BY_CUSTOMER,
  usage_monthly_rollups: BY_CUSTOMER,
  usage_hourly_unique_values: BY_CUSTOMER,
  /**
   * The contract makes an event id unique across customers (a retry under
   * another customer is still a duplicate), so the id table is sharded by the
   * id itself: its one unique key then holds on every node. The price: its
   * insert lands on another node than the event's, so on Citus ingestion is a
   * two-node transaction instead of one.
   */
  usage_event_ids: { kind: 'distributed', column: 'event_id' },
  /**
   * Keys unique across customers (external ids, idempotency keys, invoice and
   * credit note numbers, usage page token digests, subscription ids), sharded by the key as
   * usage_event_ids is, so each key's one row holds its uniqueness on one node
   * (src/database/global-key-lookup.ts). A write claiming one is a two-node
   * transaction on Citus; creating a customer or a subscription is rare enough.
   */
  global_keys: { kind: 'distributed', column: 'key' },
  // The CRM's record ids by our own key (a customer's, an invoice's…): a lookup sharded by that key.
  crm_record_ids: { kind: 'distributed', column: 'key' },
  invoices: BY_CUSTOMER,
  credit_notes: BY_CUSTOMER,
  credit_note_lines: BY_CUSTOMER,
  invoice_lines: BY_CUSTOMER,
  credit_lots: BY_CUSTOMER,
  credit_consumptions: BY_CUSTOMER,
  prepaid_block_lots: BY_CUSTOMER,
  prepaid_block_draws: BY_CUSTOMER,
  alerts: BY_CUSTOMER,
  outbox_messages: BY_CUSTOMER,
  revenue_months: BY_CUSTOMER,
  customer_month_mrr: BY_CUSTOMER,
  customer_first_month: BY_CUSTOMER,
  entitlement_subscription_quotas: BY_CUSTOMER,
  entitlement_usage_buckets: BY_CUSTOMER,
  entitlement_quota_hits: BY_CUSTOMER,
  usage_page_links: BY_CUSTOMER,
  usage_page_requests: BY_CUSTOMER,
  crm_deal_outcomes: BY_CUSTOMER,

  // One row: how far the monthly rollups hold the hourly ones (rollup-seal.repository.ts).
  usage_rollup_seal: REFERENCE,
  meters: REFERENCE,
  billable_items: REFERENCE,
  plans: REFERENCE,
  plan_versions: REFERENCE,
  plan_version_rates: REFERENCE,
  plan_version_licence_fees: REFERENCE,
  plan_version_limits: REFERENCE,
  plan_version_credit_grants: REFERENCE,
  entitlement_plan_quotas: REFERENCE,
  alert_rules: REFERENCE,
  api_keys: REFERENCE,
  revenue_rounding: REFERENCE,
  // One gapless counter for the whole service: a global serialization point on any number of nodes.
  invoice_numbering: REFERENCE,
  credit_note_numbering: REFERENCE,
  // Per-month sums over every customer (a few thousand rows), read whole by analytics.
  mrr_movement_months: REFERENCE,
  mrr_cohort_months: REFERENCE,

  schema_migrations: { kind: 'local' },
  // Where the CRM read-back stopped: one row per provider, bookkeeping of the job.
  crm_read_cursors: { kind: 'local' },
  // The usage pages' request counters per client address: short-lived, joined by nothing.
  usage_page_rate_limits: { kind: 'local' },
};

/**
 * What still stands between the schema and distribution by customer, as
 * test/e2e/citus-readiness.e2e-spec.ts words it: tables keyed by their own id
 * alone, and foreign keys by id, need the customer added to the key (and to the
 * referencing columns) before create_distributed_table accepts them. Keys that
 * must stay global (a customer's external id, invoice numbers, subscription
 * idempotency keys, page tokens) move to small lookup tables distributed by
 * that key, as usage_event_ids is. Fixing one means deleting its line here.
 */
export const CO_LOCATION_GAPS: readonly string[] = [
  /**
   * Left on purpose: the outbox is the service's delivery queue (e-mail, CRM),
   * which its workers claim across all customers, due messages oldest first
   * (ORDER BY next_attempt_at, id … SKIP LOCKED), and deduplicate by
   * (channel, dedupe_key) whoever the message is about. Distributed by customer,
   * that claim would go to every node on each poll; it stays on the coordinator
   * (local or reference), and enqueueing from a customer's transaction is the
   * one write of the hot paths that leaves the customer's node.
   */
  'outbox_messages: no column customer_id',
  'outbox_messages: unique key outbox_messages_dedupe_key (channel, dedupe_key) lacks customer_id',
  'outbox_messages: unique key outbox_messages_pkey (id) lacks customer_id',
];

/**
 * Hot-path statements (ingestion, the upcoming-invoice preview, billing runs)
 * that touch a distributed table without its distribution column, as
 * test/e2e/hot-path-customer-filter.e2e-spec.ts finds them: on Citus each goes
 * to every node. A join counts only to a table routed itself: `s.customer_id =
 * c.id` routes `s` when `c` is found by id, not by external id, and a join to
 * an `unnest` of parameters routes nothing. `path: table` → why, and what
 * fixes it.
 */
export const HOT_PATH_GAPS: Readonly<Record<string, string>> = {
  'ingest: outbox_messages':
    'an alert’s e-mail is queued in the outbox, which has no customer_id column yet (CO_LOCATION_GAPS)',
};
