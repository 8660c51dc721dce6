/**
 * The Salesforce names the sync writes to, and the metadata that creates the
 * custom ones. One place, so the record mappers and `setup()` cannot drift.
 */
import { UsagePropertyName } from '../crm-provider';

export const ACCOUNT_EXTERNAL_ID_FIELD = 'Usage_External_Id__c';
/** External id of the tasks and opportunities we own. */
export const EXTERNAL_KEY_FIELD = 'Usage_External_Key__c';
export const INVOICE_OBJECT = 'Usage_Invoice__c';
export const INVOICE_NUMBER_FIELD = 'Invoice_Number__c';
export const COHORT_OBJECT = 'Usage_Cohort_Snapshot__c';
export const COHORT_KEY_FIELD = 'Cohort_Key__c';
/**
 * Opportunities have no standard priority field (Object Reference,
 * "Opportunity"): a checkbox marks those the customer asked for, for list
 * views and reports. Their tasks carry the standard `Priority` High.
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_opportunity.htm
 */
export const REQUESTED_BY_CUSTOMER_FIELD = 'Requested_By_Customer__c';

type FieldKind = 'number' | 'percent' | 'currency' | 'text' | 'datetime';

interface UsageField {
  name: string;
  label: string;
  kind: FieldKind;
}

export const USAGE_FIELDS: Record<UsagePropertyName, UsageField> = {
  currentUsage: { name: 'Usage_Current__c', label: 'Usage (current interval)', kind: 'number' },
  usageLimit: { name: 'Usage_Limit__c', label: 'Usage limit', kind: 'number' },
  percentOfLimit: { name: 'Usage_Percent_Of_Limit__c', label: 'Usage % of limit', kind: 'percent' },
  projectedBill: { name: 'Projected_Bill__c', label: 'Projected bill', kind: 'currency' },
  lastInvoiceTotal: {
    name: 'Last_Invoice_Total__c',
    label: 'Last invoice total',
    kind: 'currency',
  },
  mrr: { name: 'MRR__c', label: 'MRR', kind: 'currency' },
  creditBalance: { name: 'Credit_Balance__c', label: 'Credit balance', kind: 'currency' },
  lastAlert: { name: 'Last_Alert__c', label: 'Last alert', kind: 'text' },
  lastAlertAt: { name: 'Last_Alert_At__c', label: 'Last alert at', kind: 'datetime' },
  customerNrr: { name: 'Customer_NRR__c', label: 'NRR since cohort month', kind: 'percent' },
  expansionMrr: {
    name: 'Expansion_MRR__c',
    label: 'Expansion MRR since cohort month',
    kind: 'currency',
  },
  quotaHits: { name: 'Quota_Hits__c', label: 'Quota hits (last pressure alert)', kind: 'number' },
};

/** A Metadata API `CustomField`, as jsforce serialises it into the SOAP envelope. */
export interface CustomFieldMetadata {
  fullName: string;
  label: string;
  type: string;
  caseSensitive?: boolean;
  /** A checkbox's value on records that do not set it; the Metadata API requires it. */
  defaultValue?: string;
  length?: number;
  precision?: number;
  scale?: number;
  externalId?: boolean;
  unique?: boolean;
  required?: boolean;
  referenceTo?: string;
  relationshipName?: string;
  relationshipLabel?: string;
  deleteConstraint?: string;
}

export interface CustomObjectMetadata {
  fullName: string;
  label: string;
  pluralLabel: string;
  nameField: { label: string; type: 'Text' };
  deploymentStatus: 'Deployed';
  sharingModel: 'ReadWrite';
}

const NUMBER = { precision: 18, scale: 2 };

function usageFieldMetadata({ name, label, kind }: UsageField): CustomFieldMetadata {
  const fullName = `Account.${name}`;
  switch (kind) {
    case 'number':
      return { fullName, label, type: 'Number', ...NUMBER };
    case 'percent':
      return { fullName, label, type: 'Percent', ...NUMBER };
    case 'currency':
      return { fullName, label, type: 'Currency', ...NUMBER };
    case 'text':
      return { fullName, label, type: 'Text', length: 255 };
    case 'datetime':
      return { fullName, label, type: 'DateTime' };
  }
}

/**
 * Unique external id, the upsert key that makes retries safe. Case-sensitive:
 * Salesforce treats "Acme" and "acme" as one value unless told otherwise,
 * while our customer ids and keys are case-sensitive.
 */
function externalIdField(fullName: string, label: string): CustomFieldMetadata {
  return {
    fullName,
    caseSensitive: true,
    externalId: true,
    label,
    length: 255,
    type: 'Text',
    unique: true,
  };
}

export const INVOICE_OBJECT_METADATA: CustomObjectMetadata = {
  fullName: INVOICE_OBJECT,
  label: 'Usage Invoice',
  pluralLabel: 'Usage Invoices',
  nameField: { label: 'Usage Invoice Name', type: 'Text' },
  deploymentStatus: 'Deployed',
  sharingModel: 'ReadWrite',
};

export const COHORT_OBJECT_METADATA: CustomObjectMetadata = {
  fullName: COHORT_OBJECT,
  label: 'Usage Cohort Snapshot',
  pluralLabel: 'Usage Cohort Snapshots',
  nameField: { label: 'Usage Cohort Snapshot Name', type: 'Text' },
  deploymentStatus: 'Deployed',
  sharingModel: 'ReadWrite',
};

/** The custom objects, created before any field (some fields belong to them). */
export const CUSTOM_OBJECTS_METADATA: readonly CustomObjectMetadata[] = [
  INVOICE_OBJECT_METADATA,
  COHORT_OBJECT_METADATA,
];

/** Every custom field the sync writes, in creation order (the object before its fields). */
export const CUSTOM_FIELDS_METADATA: readonly CustomFieldMetadata[] = [
  externalIdField(`Account.${ACCOUNT_EXTERNAL_ID_FIELD}`, 'Usage customer id'),
  ...Object.values(USAGE_FIELDS).map(usageFieldMetadata),
  // Task and Event custom fields are defined on Activity; REST, SOQL and
  // permission sets name them on Task.
  externalIdField(`Activity.${EXTERNAL_KEY_FIELD}`, 'Usage external key'),
  externalIdField(`Opportunity.${EXTERNAL_KEY_FIELD}`, 'Usage external key'),
  {
    fullName: `Opportunity.${REQUESTED_BY_CUSTOMER_FIELD}`,
    defaultValue: 'false',
    label: 'Requested by the customer',
    type: 'Checkbox',
  },
  externalIdField(`${INVOICE_OBJECT}.${INVOICE_NUMBER_FIELD}`, 'Invoice number'),
  {
    fullName: `${INVOICE_OBJECT}.Account__c`,
    label: 'Account',
    type: 'Lookup',
    referenceTo: 'Account',
    relationshipName: 'Usage_Invoices',
    relationshipLabel: 'Usage Invoices',
    deleteConstraint: 'SetNull',
  },
  { fullName: `${INVOICE_OBJECT}.Total__c`, label: 'Total', type: 'Currency', ...NUMBER },
  { fullName: `${INVOICE_OBJECT}.Currency__c`, label: 'Currency', type: 'Text', length: 3 },
  { fullName: `${INVOICE_OBJECT}.Status__c`, label: 'Status', type: 'Text', length: 40 },
  { fullName: `${INVOICE_OBJECT}.Period_Start__c`, label: 'Period start', type: 'DateTime' },
  { fullName: `${INVOICE_OBJECT}.Period_End__c`, label: 'Period end', type: 'DateTime' },
  { fullName: `${INVOICE_OBJECT}.Url__c`, label: 'Invoice URL', type: 'Url' },
  {
    fullName: `${INVOICE_OBJECT}.Document_Type__c`,
    label: 'Document type',
    type: 'Text',
    length: 20,
  },
  // A credit note's invoice, by our number (the invoice may not have reached the org yet).
  {
    fullName: `${INVOICE_OBJECT}.Credited_Invoice__c`,
    label: 'Credited invoice',
    type: 'Text',
    length: 40,
  },
  externalIdField(`${COHORT_OBJECT}.${COHORT_KEY_FIELD}`, 'Cohort key'),
  { fullName: `${COHORT_OBJECT}.Cohort_Month__c`, label: 'Cohort month', type: 'Text', length: 7 },
  { fullName: `${COHORT_OBJECT}.As_Of_Month__c`, label: 'As of month', type: 'Text', length: 7 },
  {
    fullName: `${COHORT_OBJECT}.Customers__c`,
    label: 'Customers',
    type: 'Number',
    precision: 18,
    scale: 0,
  },
  {
    fullName: `${COHORT_OBJECT}.Starting_MRR__c`,
    label: 'Starting MRR',
    type: 'Currency',
    ...NUMBER,
  },
  {
    fullName: `${COHORT_OBJECT}.Current_MRR__c`,
    label: 'Current MRR',
    type: 'Currency',
    ...NUMBER,
  },
  { fullName: `${COHORT_OBJECT}.NRR__c`, label: 'NRR', type: 'Percent', ...NUMBER },
  { fullName: `${COHORT_OBJECT}.GRR__c`, label: 'GRR', type: 'Percent', ...NUMBER },
  {
    fullName: `${COHORT_OBJECT}.Logos_Retained__c`,
    label: 'Logos retained',
    type: 'Number',
    precision: 18,
    scale: 0,
  },
  { fullName: `${COHORT_OBJECT}.Currency__c`, label: 'Currency', type: 'Text', length: 3 },
];

/** The permission set that lets the integration user see and write what setup creates. */
export const PERMISSION_SET_NAME = 'Usage_Billing_Sync';

export interface PermissionSetMetadata {
  fullName: string;
  label: string;
  fieldPermissions: { field: string; readable: boolean; editable: boolean }[];
  objectPermissions: {
    object: string;
    allowCreate: boolean;
    allowDelete: boolean;
    allowEdit: boolean;
    allowRead: boolean;
    modifyAllRecords: boolean;
    viewAllRecords: boolean;
  }[];
}

/**
 * Salesforce refuses field permissions on required and master-detail fields
 * (they are always visible to whoever sees the object).
 */
function takesFieldPermissions(field: CustomFieldMetadata): boolean {
  return field.required !== true && field.type !== 'MasterDetail';
}

/**
 * Custom fields are invisible to every profile until granted: read and edit
 * on each field the sync writes, create/read/edit on the custom objects.
 */
export const PERMISSION_SET_METADATA: PermissionSetMetadata = {
  // Keys in the order of the metadata WSDL's sequences: jsforce serialises them as given.
  fullName: PERMISSION_SET_NAME,
  fieldPermissions: CUSTOM_FIELDS_METADATA.filter(takesFieldPermissions).map((f) => ({
    editable: true,
    field: f.fullName.replace(/^Activity\./, 'Task.'),
    readable: true,
  })),
  label: 'Usage billing sync',
  objectPermissions: CUSTOM_OBJECTS_METADATA.map((o) => ({
    allowCreate: true,
    allowDelete: false,
    allowEdit: true,
    allowRead: true,
    modifyAllRecords: false,
    object: o.fullName,
    viewAllRecords: false,
  })),
};
