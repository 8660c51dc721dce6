import {
  AccountUsageProperties,
  CohortSnapshot,
  CrmInvoice,
  ExpansionOpportunity,
  UpsellTask,
} from '../crm-provider';
import { COHORT_KEY, EXTERNAL_KEY, INVOICE_NUMBER, USAGE_PROPERTIES } from './hubspot-schema';

/** HubSpot property values are strings; an empty string clears a property. */
export type HubSpotProperties = Record<string, string>;

export function companyProperties(update: AccountUsageProperties): HubSpotProperties {
  return Object.fromEntries(
    Object.entries(update.properties).map(([name, value]) => [
      USAGE_PROPERTIES[name as keyof typeof USAGE_PROPERTIES].name,
      value ?? '',
    ]),
  );
}

const owner = (ownerId: string | null): HubSpotProperties =>
  ownerId ? { hubspot_owner_id: ownerId } : {};

/**
 * Task priorities are LOW, MEDIUM and HIGH (HubSpot, "Tasks" guide →
 * properties, `hs_task_priority`):
 * https://developers.hubspot.com/docs/guides/api/crm/engagements/tasks
 * A customer's own request outranks every alert our rules raise.
 */
export const TASK_PRIORITY = { requested: 'HIGH', alert: 'MEDIUM' } as const;

/**
 * The default deal property Priority (`hs_priority`) takes the internal values
 * low, medium and high (HubSpot, "HubSpot's default deal properties" → Priority;
 * its options as GET /crm/v3/properties/deals/hs_priority lists them):
 * https://knowledge.hubspot.com/crm-deals/hubspots-default-deal-properties
 */
export const DEAL_PRIORITY_HIGH = 'high';

export function taskProperties(task: UpsellTask): HubSpotProperties {
  return {
    [EXTERNAL_KEY]: task.externalKey,
    hs_task_subject: task.subject,
    hs_task_body: task.body,
    hs_timestamp: task.dueAt.toISOString(),
    hs_task_status: 'NOT_STARTED',
    hs_task_priority: task.requestedByCustomer ? TASK_PRIORITY.requested : TASK_PRIORITY.alert,
    hs_task_type: 'TODO',
    ...owner(task.ownerId),
  };
}

/**
 * The figures of a deal, written on every update. Pipeline and stage are not
 * among them: they are set once, when the deal is created, so an update never
 * moves back a deal sales have advanced. Only a customer's request sets the
 * priority (high); an alert's deal leaves it to sales.
 */
export function dealProperties(deal: ExpansionOpportunity): HubSpotProperties {
  return {
    [EXTERNAL_KEY]: deal.externalKey,
    dealname: deal.name,
    amount: deal.amount,
    deal_currency_code: deal.currency,
    closedate: deal.closeDate.toISOString(),
    description: deal.description,
    ...(deal.requestedByCustomer ? { hs_priority: DEAL_PRIORITY_HIGH } : {}),
    ...owner(deal.ownerId),
  };
}

export function invoiceProperties(invoice: CrmInvoice): HubSpotProperties {
  return {
    [INVOICE_NUMBER]: invoice.number,
    usage_document_type: invoice.documentType,
    usage_credited_invoice: invoice.creditedInvoiceNumber ?? '',
    hs_currency: invoice.currency,
    usage_invoice_total: invoice.total,
    usage_invoice_status: invoice.status,
    usage_period_start: invoice.periodStart.toISOString(),
    usage_period_end: invoice.periodEnd.toISOString(),
    usage_invoice_url: invoice.url,
  };
}

/** A null rate (a cohort that started at 0) is written as an empty, cleared, property. */
export function cohortSnapshotProperties(snapshot: CohortSnapshot): HubSpotProperties {
  return {
    [COHORT_KEY]: snapshot.key,
    cohort_month: snapshot.cohortMonth,
    as_of_month: snapshot.asOfMonth,
    customers: String(snapshot.customers),
    starting_mrr: snapshot.startingMrr,
    current_mrr: snapshot.currentMrr,
    nrr: snapshot.nrr ?? '',
    grr: snapshot.grr ?? '',
    logos_retained: String(snapshot.logosRetained),
    reporting_currency: snapshot.currency,
  };
}
