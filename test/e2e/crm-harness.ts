/**
 * One face for the HubSpot and Salesforce emulators, so the CRM sync suite
 * runs unchanged against both: the app's environment, test accounts, and
 * what landed in the CRM, in the port's terms.
 */
import { Server } from 'node:http';
import { Decimal } from '../../src/common/decimal';
import { CrmProviderName, UsagePropertyName } from '../../src/crm/crm-provider';
import { DEAL_PRIORITY_HIGH } from '../../src/crm/hubspot/hubspot-records';
import { COHORT_OBJECT, USAGE_PROPERTIES } from '../../src/crm/hubspot/hubspot-schema';
import {
  COHORT_OBJECT as SF_COHORT_OBJECT,
  REQUESTED_BY_CUSTOMER_FIELD,
  USAGE_FIELDS,
} from '../../src/crm/salesforce/salesforce-schema';
import { HubSpotEmulator, startHubSpotEmulator } from '../emulators/hubspot';
import { SalesforceEmulator, startSalesforceEmulator } from '../emulators/salesforce';

export interface CrmTask {
  key: string;
  ownerId: string | null;
  accountId: string | null;
  subject: string;
  body: string;
  /** As the CRM holds it: HubSpot `hs_task_priority` (HIGH…), Salesforce `Priority` (High…). */
  priority: string | null;
}

export interface CrmDeal {
  /** The CRM's record id. */
  id: string;
  key: string;
  amount: Decimal;
  accountId: string | null;
  /** As the CRM marks it: HubSpot `hs_priority` high, Salesforce `Requested_By_Customer__c`. */
  requestedByCustomer: boolean;
  /** HubSpot `hs_priority` (low, medium, high); Salesforce opportunities have none. */
  priority: string | null;
}

export interface CrmCreditNote {
  number: string;
  accountId: string | null;
  creditedInvoice: string | null;
  total: string | null;
}

/** A cohort snapshot as the CRM holds it; money and rates with 2 decimals. */
export interface CrmCohortSnapshot {
  key: string;
  cohortMonth: string;
  asOfMonth: string;
  customers: number;
  startingMrr: string;
  currentMrr: string;
  nrr: string | null;
  grr: string | null;
  logosRetained: number;
}

/** HubSpot keeps what we sent ("150.00"), Salesforce a JSON number (150): compare as 2-decimal text. */
const twoDecimals = (value: unknown) =>
  value === null || value === undefined || value === ''
    ? null
    : new Decimal(String(value)).toFixed(2);

/** A CRM to run the shared suite against: each provider, and HubSpot below Enterprise. */
export type CrmTarget = CrmProviderName | 'hubspot without custom objects';

/** What a lost answer is lost on: the call that creates a record of that kind. */
export type CreateKind = 'task' | 'deal' | 'invoice' | 'account';

export interface CrmHarness {
  provider: CrmProviderName;
  /** Whether the CRM holds the cohort snapshot object (HubSpot needs Enterprise). */
  holdsCohorts: boolean;
  env: Record<string, string>;
  /** The emulator's API server, for injectFaults (test/emulators/faults.ts). */
  httpServer: Server;
  ownerId: string;
  /** A second sales rep, whom tests may deactivate. */
  otherOwnerId: string;
  /** A company/account the customer will match (HubSpot by domain, Salesforce by external id). */
  addAccount(customer: { externalId: string; domain: string; ownerId?: string }): string;
  /** The rep leaves: the CRM refuses them as the owner of new records. */
  deactivateOwner(ownerId: string): void;
  /** Companies/accounts of this name (a customer's, when the sync created it). */
  accountsNamed(name: string): string[];
  /** The next create of this kind succeeds in the CRM, but its answer is lost. */
  loseNextCreate(kind: CreateKind): void;
  /** A sales rep closes the deal, won or lost. */
  closeDeal(id: string, outcome: 'won' | 'lost'): void;
  tasks(): CrmTask[];
  deals(): CrmDeal[];
  invoices(): Array<{ number: string; accountId: string | null }>;
  /** Credit notes, pushed as invoice-like records; total with 2 decimals. */
  creditNotes(): CrmCreditNote[];
  percentOfLimit(accountId: string): string | null;
  cohortSnapshots(): CrmCohortSnapshot[];
  /** A usage figure as stored on the company/account, null when unset. */
  accountProperty(accountId: string, name: UsagePropertyName): string | null;
  /** From now on about half the API calls fail (429, 5xx, timeouts, lost responses); false stops it. */
  chaos(on: boolean): void;
  /** Called before each drain while chaos is on (Salesforce's emulator takes faults one batch at a time). */
  beforeDrain(round: number): void;
  /** How many calls the emulator was told to fail. */
  faultsInjected(): number;
  close(): Promise<void>;
}

/** Short, so a call the emulator never answers costs the test little. */
const REQUEST_TIMEOUT = '1s';

export async function startCrmHarness(target: CrmTarget): Promise<CrmHarness> {
  switch (target) {
    case 'hubspot':
      return hubspotHarness(await startHubSpotEmulator({ provisioned: false }));
    case 'hubspot without custom objects':
      return hubspotHarness(
        await startHubSpotEmulator({ provisioned: false, tier: 'professional' }),
      );
    case 'salesforce':
      return salesforceHarness(await startSalesforceEmulator({ provisioned: false }));
  }
}

const HUBSPOT_CREATES: Record<CreateKind, RegExp> = {
  task: /\/objects\/tasks\/batch\/create$/,
  deal: /\/objects\/deals\/batch\/upsert$/,
  invoice: /\/objects\/invoices\/batch\/create$/,
  account: /\/objects\/companies\/batch\/upsert$/,
};

const SALESFORCE_CREATES: Record<CreateKind, RegExp> = {
  task: /\/composite\/sobjects\/Task\//,
  deal: /\/composite\/sobjects\/Opportunity\//,
  invoice: /\/composite\/sobjects\/Usage_Invoice__c\//,
  account: /\/composite\/sobjects\/Account\//,
};

function hubspotHarness(hs: HubSpotEmulator): CrmHarness {
  const ownerId = '77';
  const otherOwnerId = '78';
  hs.addOwner(ownerId);
  hs.addOwner(otherOwnerId);
  const company = (type: 'tasks' | 'deals' | 'invoices', id: string) =>
    hs.associatedCompanies(type, id)[0] ?? null;
  return {
    provider: 'hubspot',
    httpServer: hs.httpServer,
    holdsCohorts: hs.tier === 'enterprise',
    ownerId,
    otherOwnerId,
    env: {
      CRM_PROVIDER: 'hubspot',
      HUBSPOT_BASE_URL: hs.url,
      HUBSPOT_ACCESS_TOKEN: hs.accessToken,
      CRM_REQUEST_TIMEOUT: REQUEST_TIMEOUT,
      CRM_CREATE_MISSING_ACCOUNTS: 'true',
    },
    addAccount: ({ domain, ownerId: owner }) =>
      hs.addCompany({ name: domain, domain, hubspot_owner_id: owner ?? ownerId }),
    deactivateOwner: (id) => hs.deactivateOwner(id),
    accountsNamed: (name) =>
      hs
        .records('companies')
        .filter((c) => c.properties.name === name)
        .map((c) => c.id),
    loseNextCreate: (kind) => hs.loseAnswerTo('POST', HUBSPOT_CREATES[kind]),
    closeDeal: (id, outcome) => hs.setDealStage(id, outcome === 'won' ? 'closedwon' : 'closedlost'),
    tasks: () =>
      hs.records('tasks').map((task) => ({
        key: task.properties.usage_external_key,
        ownerId: task.properties.hubspot_owner_id ?? null,
        accountId: company('tasks', task.id),
        subject: task.properties.hs_task_subject,
        body: task.properties.hs_task_body,
        priority: task.properties.hs_task_priority ?? null,
      })),
    deals: () =>
      hs.records('deals').map((deal) => ({
        id: deal.id,
        key: deal.properties.usage_external_key,
        amount: new Decimal(deal.properties.amount),
        accountId: company('deals', deal.id),
        requestedByCustomer: deal.properties.hs_priority === DEAL_PRIORITY_HIGH,
        priority: deal.properties.hs_priority ?? null,
      })),
    invoices: () =>
      hs
        .records('invoices')
        .filter((invoice) => invoice.properties.usage_document_type !== 'credit_note')
        .map((invoice) => ({
          number: invoice.properties.usage_invoice_number,
          accountId: company('invoices', invoice.id),
        })),
    creditNotes: () =>
      hs
        .records('invoices')
        .filter((note) => note.properties.usage_document_type === 'credit_note')
        .map((note) => ({
          number: note.properties.usage_invoice_number,
          accountId: company('invoices', note.id),
          creditedInvoice: note.properties.usage_credited_invoice || null,
          total: twoDecimals(note.properties.usage_invoice_total),
        })),
    percentOfLimit: (accountId) =>
      hs.records('companies').find((c) => c.id === accountId)?.properties.usage_percent_of_limit ??
      null,
    accountProperty: (accountId, name) =>
      hs.records('companies').find((c) => c.id === accountId)?.properties[
        USAGE_PROPERTIES[name].name
      ] ?? null,
    cohortSnapshots: () =>
      hs.customRecords(COHORT_OBJECT.name).map(({ properties: p }) => ({
        key: p.cohort_key,
        cohortMonth: p.cohort_month,
        asOfMonth: p.as_of_month,
        customers: Number(p.customers),
        startingMrr: twoDecimals(p.starting_mrr)!,
        currentMrr: twoDecimals(p.current_mrr)!,
        nrr: twoDecimals(p.nrr),
        grr: twoDecimals(p.grr),
        logosRetained: Number(p.logos_retained),
      })),
    chaos: (on) =>
      hs.setFaultPattern(
        on ? [null, 429, null, 502, null, 'timeout', null, 'lost', null, 500] : [],
      ),
    beforeDrain: () => undefined,
    faultsInjected: () => hs.requests.filter((request) => request.fault !== null).length,
    close: () => hs.close(),
  };
}

function salesforceHarness(sf: SalesforceEmulator): CrmHarness {
  const ownerId = '005000000000042AAA';
  const otherOwnerId = '005000000000043AAA';
  const kinds = [502, 'timeout', 'lost', 500] as const;
  let chaos = false;
  let injected = 0;
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    provider: 'salesforce',
    httpServer: sf.httpServer,
    holdsCohorts: true,
    ownerId,
    otherOwnerId,
    env: {
      CRM_PROVIDER: 'salesforce',
      SALESFORCE_INSTANCE_URL: sf.url,
      SALESFORCE_ACCESS_TOKEN: sf.accessToken,
      CRM_REQUEST_TIMEOUT: REQUEST_TIMEOUT,
      CRM_CREATE_MISSING_ACCOUNTS: 'true',
    },
    addAccount: ({ externalId, ownerId: owner }) =>
      sf.insert('Account', {
        Name: externalId,
        Usage_External_Id__c: externalId,
        OwnerId: owner ?? ownerId,
      }),
    deactivateOwner: (id) => sf.deactivateUser(id),
    accountsNamed: (name) =>
      sf
        .records('Account')
        .filter((a) => a.Name === name)
        .map((a) => a.Id),
    loseNextCreate: (kind) => sf.loseAnswerTo('PATCH', SALESFORCE_CREATES[kind]),
    closeDeal: (id, outcome) =>
      sf.setOpportunityStage(id, outcome === 'won' ? 'Closed Won' : 'Closed Lost'),
    tasks: () =>
      sf.records('Task').map((task) => ({
        key: String(task.Usage_External_Key__c),
        ownerId: text(task.OwnerId),
        accountId: text(task.WhatId),
        subject: String(task.Subject),
        body: String(task.Description),
        priority: text(task.Priority),
      })),
    deals: () =>
      sf.records('Opportunity').map((deal) => ({
        id: deal.Id,
        key: String(deal.Usage_External_Key__c),
        amount: new Decimal(String(deal.Amount)),
        accountId: text(deal.AccountId),
        requestedByCustomer: deal[REQUESTED_BY_CUSTOMER_FIELD] === true,
        priority: null,
      })),
    invoices: () =>
      sf
        .records('Usage_Invoice__c')
        .filter((invoice) => invoice.Document_Type__c !== 'credit_note')
        .map((invoice) => ({
          number: String(invoice.Invoice_Number__c),
          accountId: text(invoice.Account__c),
        })),
    creditNotes: () =>
      sf
        .records('Usage_Invoice__c')
        .filter((note) => note.Document_Type__c === 'credit_note')
        .map((note) => ({
          number: String(note.Invoice_Number__c),
          accountId: text(note.Account__c),
          creditedInvoice: text(note.Credited_Invoice__c),
          total: twoDecimals(note.Total__c),
        })),
    percentOfLimit: (accountId) =>
      text(
        sf.records('Account').find((a) => a.Id === accountId)?.[USAGE_FIELDS.percentOfLimit.name],
      ),
    accountProperty: (accountId, name) =>
      text(sf.records('Account').find((a) => a.Id === accountId)?.[USAGE_FIELDS[name].name]),
    cohortSnapshots: () =>
      sf.records(SF_COHORT_OBJECT).map((r) => ({
        key: String(r.Cohort_Key__c),
        cohortMonth: String(r.Cohort_Month__c),
        asOfMonth: String(r.As_Of_Month__c),
        customers: Number(r.Customers__c),
        startingMrr: twoDecimals(r.Starting_MRR__c)!,
        currentMrr: twoDecimals(r.Current_MRR__c)!,
        nrr: twoDecimals(r.NRR__c),
        grr: twoDecimals(r.GRR__c),
        logosRetained: Number(r.Logos_Retained__c),
      })),
    chaos: (on) => {
      chaos = on;
    },
    beforeDrain: (round) => {
      if (!chaos) return;
      sf.failNext(1, kinds[round % kinds.length]);
      injected += 1;
    },
    faultsInjected: () => injected,
    close: () => sf.close(),
  };
}
