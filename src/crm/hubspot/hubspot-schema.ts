import { UsagePropertyName } from '../crm-provider';

/**
 * The custom properties the sync writes, by HubSpot object type, all in the
 * `usage_billing` group; `crm:setup` creates them. Keys with `hasUniqueValue`
 * are what batch upserts match on (`idProperty`), so a retried upsert updates
 * the record it created instead of creating another; where HubSpot has no
 * unique properties (tasks, invoices) see HubSpotKeyedRecords.
 */
export const PROPERTY_GROUP = { name: 'usage_billing', label: 'Usage billing' };

/** Our key on deals and tasks: `${customerId}:${reason}`, `alert:${alertId}`. */
export const EXTERNAL_KEY = 'usage_external_key';
/** Our customer id on companies, the upsert key when missing companies are created. */
export const CUSTOMER_ID = 'usage_customer_id';
export const INVOICE_NUMBER = 'usage_invoice_number';

export type HubSpotObjectType = 'companies' | 'deals' | 'tasks' | 'invoices';

export interface PropertyDefinition {
  name: string;
  label: string;
  type: 'string' | 'number' | 'datetime';
  fieldType: 'text' | 'number' | 'date';
  hasUniqueValue?: boolean;
}

const text = (name: string, label: string, hasUniqueValue = false): PropertyDefinition => ({
  name,
  label,
  type: 'string',
  fieldType: 'text',
  ...(hasUniqueValue ? { hasUniqueValue } : {}),
});
const number = (name: string, label: string): PropertyDefinition => ({
  name,
  label,
  type: 'number',
  fieldType: 'number',
});
const datetime = (name: string, label: string): PropertyDefinition => ({
  name,
  label,
  type: 'datetime',
  fieldType: 'date',
});

/** Company property of each usage figure of the port. */
export const USAGE_PROPERTIES: Record<UsagePropertyName, PropertyDefinition> = {
  currentUsage: number('usage_current_usage', 'Current interval usage'),
  usageLimit: number('usage_limit', 'Usage limit'),
  percentOfLimit: number('usage_percent_of_limit', 'Percent of usage limit'),
  projectedBill: number('usage_projected_bill', 'Projected bill'),
  lastInvoiceTotal: number('usage_last_invoice_total', 'Last invoice total'),
  mrr: number('usage_mrr', 'MRR'),
  creditBalance: number('usage_credit_balance', 'Credit balance'),
  lastAlert: text('usage_last_alert', 'Last usage alert'),
  lastAlertAt: datetime('usage_last_alert_at', 'Last usage alert at'),
  customerNrr: number('usage_customer_nrr', 'Customer NRR % (since cohort month)'),
  expansionMrr: number('usage_expansion_mrr', 'Expansion MRR (since cohort month)'),
  quotaHits: number('usage_quota_hits', 'Quota hits (last quota pressure alert)'),
};

export const CUSTOM_PROPERTIES: Record<HubSpotObjectType, PropertyDefinition[]> = {
  companies: [...Object.values(USAGE_PROPERTIES), text(CUSTOMER_ID, 'Usage customer id', true)],
  deals: [text(EXTERNAL_KEY, 'Usage signal key', true)],
  // HubSpot has unique properties on companies, contacts, deals, tickets and
  // custom objects only: tasks and invoices keep a plain key we search by.
  tasks: [text(EXTERNAL_KEY, 'Usage signal key')],
  invoices: [
    text(INVOICE_NUMBER, 'Usage invoice number'),
    text('usage_document_type', 'Usage document type (invoice, credit_note)'),
    text('usage_credited_invoice', 'Usage invoice credited (credit notes)'),
    number('usage_invoice_total', 'Usage invoice total'),
    text('usage_invoice_status', 'Usage invoice status'),
    datetime('usage_period_start', 'Usage period start'),
    datetime('usage_period_end', 'Usage period end'),
    text('usage_invoice_url', 'Usage invoice link'),
  ],
};

/**
 * The custom object of monthly cohort snapshots (schemas API), our own, so its
 * properties need no prefix; upserted by the unique `cohort_key`.
 */
export const COHORT_OBJECT = {
  name: 'usage_cohort_snapshot',
  labels: { singular: 'Usage cohort snapshot', plural: 'Usage cohort snapshots' },
};
export const COHORT_KEY = 'cohort_key';

export const COHORT_PROPERTIES: PropertyDefinition[] = [
  text(COHORT_KEY, 'Cohort key', true),
  text('cohort_month', 'Cohort month'),
  text('as_of_month', 'As of month'),
  number('customers', 'Customers'),
  number('starting_mrr', 'Starting MRR'),
  number('current_mrr', 'Current MRR'),
  number('nrr', 'NRR %'),
  number('grr', 'GRR %'),
  number('logos_retained', 'Logos retained'),
  text('reporting_currency', 'Currency'),
];
