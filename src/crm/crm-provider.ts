import { DealOutcome, OutcomeCursor } from '../deal-outcomes/deal-outcome';

/**
 * The port through which the rest of the service talks to a CRM. Adapters
 * (hubspot/, salesforce/) implement it; no provider type leaves src/crm/.
 * Every write is an idempotent upsert keyed by our own external key, so a
 * retry after a lost response creates nothing new.
 */

export type CrmProviderName = 'hubspot' | 'salesforce';

/** Who a customer is, for matching a company (HubSpot) or an account (Salesforce). */
export interface CustomerIdentity {
  customerId: string;
  externalId: string;
  name: string;
  /** HubSpot matches by domain when no CRM id is stored. */
  domain: string | null;
  /** The company/account id stored on the customer, when known. */
  crmAccountId: string | null;
}

export interface CrmAccount {
  id: string;
  /** HubSpot `hubspot_owner_id`, Salesforce `OwnerId`. */
  ownerId: string | null;
  created: boolean;
}

/** Usage figures written onto the company/account; decimal strings, null clears the field. */
export interface AccountUsageProperties {
  accountId: string;
  properties: Partial<Record<UsagePropertyName, string | null>>;
}

export const USAGE_PROPERTY_NAMES = [
  'currentUsage',
  'usageLimit',
  'percentOfLimit',
  'projectedBill',
  'lastInvoiceTotal',
  'mrr',
  'creditBalance',
  'lastAlert',
  'lastAlertAt',
  /** The customer's own NRR: MRR now / MRR in their cohort month, a percentage (cohort sync). */
  'customerNrr',
  /** MRR gained since their cohort month, 0 when they shrank (cohort sync). */
  'expansionMrr',
  /** Times a quota was reached in the set of windows of the last quota_pressure alert. */
  'quotaHits',
] as const;
export type UsagePropertyName = (typeof USAGE_PROPERTY_NAMES)[number];

/** An upsell signal: a task for the account owner, keyed by our alert id. */
export interface UpsellTask {
  externalKey: string;
  accountId: string;
  ownerId: string | null;
  subject: string;
  body: string;
  dueAt: Date;
  /**
   * The customer asked for it on their usage page: the strongest signal, so
   * the CRM's highest priority (HubSpot HIGH, Salesforce High); an alert's
   * task gets the middle one (MEDIUM, Normal).
   */
  requestedByCustomer: boolean;
}

/** An expansion deal/opportunity, one open per customer and reason, updated as the forecast moves. */
export interface ExpansionOpportunity {
  /** `${customerId}:${reason}` */
  externalKey: string;
  accountId: string;
  ownerId: string | null;
  name: string;
  /** Incremental annual revenue, a decimal string. */
  amount: string;
  currency: string;
  closeDate: Date;
  description: string;
  /**
   * Asked for by the customer: HubSpot `hs_priority` high, Salesforce
   * `Requested_By_Customer__c`. Otherwise the deal's priority is left to sales.
   */
  requestedByCustomer: boolean;
}

/** An invoice, or a credit note pushed as an invoice-like record beside the invoice it credits. */
export interface CrmInvoice {
  /** Our invoice or credit note number, the upsert key (INV-000123, CN-000045). */
  number: string;
  documentType: 'invoice' | 'credit_note';
  /** A credit note's invoice number; null on an invoice. */
  creditedInvoiceNumber: string | null;
  accountId: string;
  status: string;
  currency: string;
  /** Negative on a credit note. */
  total: string;
  periodStart: Date;
  periodEnd: Date;
  url: string;
}

/**
 * One signup-month cohort as it stood in a month (API.md "cohorts"); money in
 * the reporting currency, percentages with 2 decimals, as decimal strings.
 */
export interface CohortSnapshot {
  /** `${cohortMonth}@${asOfMonth}`, the upsert key. */
  key: string;
  cohortMonth: string;
  asOfMonth: string;
  customers: number;
  startingMrr: string;
  currentMrr: string;
  /** Revenue retention of the cohort at asOfMonth; null when it started at 0. */
  nrr: string | null;
  /** The same with each customer capped at their starting MRR. */
  grr: string | null;
  logosRetained: number;
  currency: string;
}

export interface SetupReport {
  created: string[];
  existing: string[];
  /** Existing components an admin set differently from ours: reported, never overwritten. */
  differences: string[];
  /** What this CRM account cannot hold, and why (e.g. custom objects below HubSpot Enterprise). */
  skipped: string[];
}

/** The outcome of a batch call for each record that failed on its own (the rest succeeded). */
export interface RecordFailure {
  key: string;
  message: string;
  /** false when retrying cannot help (e.g. validation): the record is dead-lettered. */
  retriable: boolean;
}

export interface CrmProvider extends DealOutcomeReader {
  readonly name: CrmProviderName;
  /** Finds (and, when configured, creates) the company/account of each customer, in batches. */
  resolveAccounts(customers: readonly CustomerIdentity[]): Promise<Map<string, CrmAccount | null>>;
  /** Batch update (HubSpot ≤ 100, Salesforce ≤ 200 records a call). */
  updateAccountProperties(updates: readonly AccountUsageProperties[]): Promise<RecordFailure[]>;
  upsertTasks(tasks: readonly UpsellTask[]): Promise<RecordFailure[]>;
  upsertOpportunities(opportunities: readonly ExpansionOpportunity[]): Promise<RecordFailure[]>;
  upsertInvoices(invoices: readonly CrmInvoice[]): Promise<RecordFailure[]>;
  /** Upserts by snapshot key into the custom cohort object; failures are keyed by it. */
  upsertCohortSnapshots(snapshots: readonly CohortSnapshot[]): Promise<RecordFailure[]>;
  /** Creates the custom properties, objects and fields the sync needs; idempotent. */
  setup(): Promise<SetupReport>;
}

/** The provider asked us to slow down (HTTP 429); retry after the given delay. */
export class CrmRateLimitedError extends Error {
  constructor(
    readonly retryAfterMs: number,
    message = 'rate limited by the CRM',
  ) {
    super(message);
    this.name = 'CrmRateLimitedError';
  }
}

/** A failure worth retrying with backoff: 5xx, a timeout, a dropped connection. */
export class CrmTransientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrmTransientError';
  }
}

/** A failure retrying cannot fix: bad credentials, a validation error on the whole call. */
export class CrmPermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CrmPermanentError';
  }
}

/**
 * Our key → the CRM's record id, for records a CRM cannot upsert by a unique
 * property. `crmId: null` means a create was sent and its outcome is unknown.
 */
export interface CrmRecordIdStore {
  find(
    provider: CrmProviderName,
    objectType: string,
    keys: readonly string[],
  ): Promise<Map<string, string | null>>;
  /** Written before a create is sent, so a lost answer leaves a trace to search by. */
  markCreating(
    provider: CrmProviderName,
    objectType: string,
    keys: readonly string[],
  ): Promise<void>;
  store(
    provider: CrmProviderName,
    objectType: string,
    ids: ReadonlyMap<string, string>,
  ): Promise<void>;
}

/**
 * Reads our deals after the cursor in (modified, id) order, at most `limit`,
 * skipping none however many share one modification time; an empty page
 * means there is nothing newer.
 */
export interface DealOutcomeReader {
  readDealOutcomes(after: OutcomeCursor | null, limit: number): Promise<DealOutcome[]>;
}
