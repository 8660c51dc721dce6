/**
 * Pure mappers from the port's types to Salesforce records. Fields set to
 * null are cleared in Salesforce; fields left out are left alone.
 */
import {
  AccountUsageProperties,
  CohortSnapshot,
  CrmInvoice,
  CustomerIdentity,
  ExpansionOpportunity,
  UpsellTask,
  UsagePropertyName,
} from '../crm-provider';
import {
  ACCOUNT_EXTERNAL_ID_FIELD,
  COHORT_KEY_FIELD,
  EXTERNAL_KEY_FIELD,
  INVOICE_NUMBER_FIELD,
  REQUESTED_BY_CUSTOMER_FIELD,
  USAGE_FIELDS,
} from './salesforce-schema';
import { toSalesforceDate, toSalesforceNumber } from './salesforce-values';

export type FieldValue = string | number | boolean | null;
export type SalesforceRecord = Record<string, FieldValue>;
/** A record written by Id (sObject Collections update). */
export type SalesforceUpdate = SalesforceRecord & { Id: string };

export const OPPORTUNITY_TYPE = 'Existing Customer - Upgrade';

function usageFieldValue(property: UsagePropertyName, value: string | null): FieldValue {
  if (value === null) return null;
  switch (USAGE_FIELDS[property].kind) {
    case 'text':
      return value;
    case 'datetime':
      return new Date(value).toISOString();
    case 'number':
    case 'percent':
    case 'currency':
      return toSalesforceNumber(value);
  }
}

/** An Account update by Id for the sObject Collections update call. */
export function accountUpdateRecord(update: AccountUsageProperties): SalesforceUpdate {
  const record: SalesforceUpdate = { Id: update.accountId };
  for (const [property, value] of Object.entries(update.properties) as [
    UsagePropertyName,
    string | null,
  ][]) {
    record[USAGE_FIELDS[property].name] = usageFieldValue(property, value);
  }
  return record;
}

/** A new Account, upserted by our customer id so a retry cannot create a second one. */
export function newAccountRecord(customer: CustomerIdentity): SalesforceRecord {
  const record: SalesforceRecord = {
    [ACCOUNT_EXTERNAL_ID_FIELD]: customer.externalId,
    Name: customer.name,
  };
  if (customer.domain) record.Website = customer.domain;
  return record;
}

/** Without an owner Salesforce assigns the integration user, so we only send a known one. */
function withOwner(record: SalesforceRecord, ownerId: string | null): SalesforceRecord {
  return ownerId ? { ...record, OwnerId: ownerId } : record;
}

/**
 * The standard Task `Priority` picklist: High, Normal, Low (Object Reference,
 * "TaskPriority"). A customer's own request is High, an alert's task Normal.
 * https://developer.salesforce.com/docs/platform/object-reference/references/standard-objects/object-taskpriority.html
 */
export const TASK_PRIORITY = { requested: 'High', alert: 'Normal' } as const;

export function taskRecord(task: UpsellTask): SalesforceRecord {
  return withOwner(
    {
      [EXTERNAL_KEY_FIELD]: task.externalKey,
      WhatId: task.accountId,
      Subject: task.subject.slice(0, 255),
      Description: task.body,
      ActivityDate: toSalesforceDate(task.dueAt),
      Priority: task.requestedByCustomer ? TASK_PRIORITY.requested : TASK_PRIORITY.alert,
    },
    task.ownerId,
  );
}

/**
 * StageName is only set when the opportunity is new: once it exists the stage
 * belongs to sales, and the forecast only moves the amount and close date.
 * Only a customer's request writes the checkbox, so alert opportunities keep
 * working in an org whose setup predates it.
 */
export function opportunityRecord(
  opportunity: ExpansionOpportunity,
  stageForNew: string | null,
): SalesforceRecord {
  const record = withOwner(
    {
      [EXTERNAL_KEY_FIELD]: opportunity.externalKey,
      AccountId: opportunity.accountId,
      Name: opportunity.name.slice(0, 120),
      Type: OPPORTUNITY_TYPE,
      CloseDate: toSalesforceDate(opportunity.closeDate),
      Amount: toSalesforceNumber(opportunity.amount),
      Description: opportunity.description,
      ...(opportunity.requestedByCustomer ? { [REQUESTED_BY_CUSTOMER_FIELD]: true } : {}),
    },
    opportunity.ownerId,
  );
  return stageForNew === null ? record : { ...record, StageName: stageForNew };
}

export function invoiceRecord(invoice: CrmInvoice): SalesforceRecord {
  return {
    [INVOICE_NUMBER_FIELD]: invoice.number,
    Name: invoice.number,
    Account__c: invoice.accountId,
    Total__c: toSalesforceNumber(invoice.total),
    Currency__c: invoice.currency,
    Status__c: invoice.status,
    Period_Start__c: invoice.periodStart.toISOString(),
    Period_End__c: invoice.periodEnd.toISOString(),
    Url__c: invoice.url,
    Document_Type__c: invoice.documentType,
    Credited_Invoice__c: invoice.creditedInvoiceNumber,
  };
}

export function cohortSnapshotRecord(snapshot: CohortSnapshot): SalesforceRecord {
  const rate = (value: string | null) => (value === null ? null : toSalesforceNumber(value));
  return {
    [COHORT_KEY_FIELD]: snapshot.key,
    Name: snapshot.key,
    Cohort_Month__c: snapshot.cohortMonth,
    As_Of_Month__c: snapshot.asOfMonth,
    Customers__c: snapshot.customers,
    Starting_MRR__c: toSalesforceNumber(snapshot.startingMrr),
    Current_MRR__c: toSalesforceNumber(snapshot.currentMrr),
    NRR__c: rate(snapshot.nrr),
    GRR__c: rate(snapshot.grr),
    Logos_Retained__c: snapshot.logosRetained,
    Currency__c: snapshot.currency,
  };
}
