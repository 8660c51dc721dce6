/**
 * The module (folder under `src/`) that owns each table: the only one whose
 * SQL names it. Another module asks the owner's exported service or a read
 * repository the owner exports on purpose. A new table gets its line here in
 * the same change as its migration; the README's module map lists the same.
 */
export const TABLE_OWNERS: Readonly<Record<string, string>> = {
  api_keys: 'auth',

  // Keys unique across customers, claimed by every module that writes one (src/database/global-key-lookup.ts).
  global_keys: 'database',

  meters: 'catalog',
  billable_items: 'catalog',
  plans: 'catalog',
  plan_versions: 'catalog',
  plan_version_rates: 'catalog',
  plan_version_licence_fees: 'catalog',
  plan_version_credit_grants: 'catalog',
  plan_version_limits: 'catalog',

  customers: 'customers',
  subscriptions: 'customers',
  subscription_licences: 'customers',
  subscription_plan_changes: 'customers',

  usage_events: 'metering',
  usage_event_ids: 'metering',
  usage_hourly_rollups: 'metering',
  usage_monthly_rollups: 'metering',
  usage_rollup_seal: 'metering',
  usage_hourly_unique_values: 'metering',

  invoices: 'invoicing',
  invoice_lines: 'invoicing',
  invoice_numbering: 'invoicing',
  credit_notes: 'invoicing',
  credit_note_lines: 'invoicing',
  credit_note_numbering: 'invoicing',

  credit_lots: 'credits',
  credit_consumptions: 'credits',
  prepaid_block_lots: 'credits',
  prepaid_block_draws: 'credits',

  alert_rules: 'alerts',
  alerts: 'alerts',

  outbox_messages: 'outbox',

  crm_record_ids: 'crm',
  crm_deal_outcomes: 'deal-outcomes',
  crm_read_cursors: 'deal-outcomes',

  entitlement_plan_quotas: 'entitlements',
  entitlement_subscription_quotas: 'entitlements',
  entitlement_usage_buckets: 'entitlements',
  entitlement_quota_hits: 'entitlements',

  usage_page_links: 'usage-links',
  usage_page_requests: 'usage-page',
  usage_page_rate_limits: 'usage-page',

  revenue_months: 'analytics',
  mrr_movement_months: 'analytics',
  mrr_cohort_months: 'analytics',
  revenue_rounding: 'analytics',
  customer_month_mrr: 'analytics',
  customer_first_month: 'analytics',
};
