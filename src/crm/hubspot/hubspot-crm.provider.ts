import { DealOutcome, OutcomeCursor } from '../../deal-outcomes/deal-outcome';
import { HubSpotConfig } from '../../config/app-config';
import {
  AccountUsageProperties,
  CohortSnapshot,
  CrmAccount,
  CrmInvoice,
  CrmProvider,
  CrmRecordIdStore,
  CustomerIdentity,
  ExpansionOpportunity,
  RecordFailure,
  SetupReport,
  UpsellTask,
} from '../crm-provider';
import { HubSpotAccounts } from './hubspot-accounts';
import { HubSpotApi } from './hubspot-api';
import { recordFailures, sendInBatches } from './hubspot-batches';
import { HubSpotCohorts } from './hubspot-cohorts';
import { HubSpotDeals } from './hubspot-deals';
import { HubSpotKeyedRecords } from './hubspot-keyed-records';
import { readHubSpotOutcomes } from './hubspot-outcomes';
import {
  companyProperties,
  dealProperties,
  invoiceProperties,
  taskProperties,
} from './hubspot-records';
import { EXTERNAL_KEY, INVOICE_NUMBER } from './hubspot-schema';
import { setUpHubSpot } from './hubspot-setup';

export interface HubSpotProviderOptions {
  hubspot: HubSpotConfig;
  createMissingAccounts: boolean;
  requestTimeoutMs: number;
  recordIds: CrmRecordIdStore;
}

/** The CRM port on HubSpot: companies, deals, tasks and invoices through the official client. */
export class HubSpotCrmProvider implements CrmProvider {
  readonly name = 'hubspot';
  readonly api: HubSpotApi;
  private readonly accounts: HubSpotAccounts;
  private readonly cohorts: HubSpotCohorts;
  private readonly deals: HubSpotDeals;
  private readonly keyed: HubSpotKeyedRecords;

  constructor(options: HubSpotProviderOptions) {
    this.api = new HubSpotApi(options.hubspot, options.requestTimeoutMs);
    this.accounts = new HubSpotAccounts(this.api, options.createMissingAccounts);
    this.cohorts = new HubSpotCohorts(this.api);
    this.deals = new HubSpotDeals(this.api, {
      pipeline: options.hubspot.dealPipeline,
      dealstage: options.hubspot.dealStage,
    });
    this.keyed = new HubSpotKeyedRecords(this.api, options.recordIds);
  }

  resolveAccounts(customers: readonly CustomerIdentity[]): Promise<Map<string, CrmAccount | null>> {
    return this.accounts.resolve(customers);
  }

  updateAccountProperties(updates: readonly AccountUsageProperties[]): Promise<RecordFailure[]> {
    return sendInBatches(
      updates,
      (update) => update.accountId,
      async (batch) =>
        recordFailures(
          await this.api.call('company update', (client) =>
            client.crm.companies.batchApi.update({
              inputs: batch.map((update) => ({
                id: update.accountId,
                properties: companyProperties(update),
              })),
            }),
          ),
        ),
    );
  }

  upsertTasks(tasks: readonly UpsellTask[]): Promise<RecordFailure[]> {
    return this.keyed.write(
      'tasks',
      EXTERNAL_KEY,
      tasks.map((task) => ({
        key: task.externalKey,
        companyId: task.accountId,
        properties: taskProperties(task),
      })),
    );
  }

  upsertOpportunities(deals: readonly ExpansionOpportunity[]): Promise<RecordFailure[]> {
    return this.deals.upsert(
      deals.map((deal) => ({
        key: deal.externalKey,
        companyId: deal.accountId,
        properties: dealProperties(deal),
      })),
    );
  }

  upsertInvoices(invoices: readonly CrmInvoice[]): Promise<RecordFailure[]> {
    return this.keyed.write(
      'invoices',
      INVOICE_NUMBER,
      invoices.map((invoice) => ({
        key: invoice.number,
        companyId: invoice.accountId,
        properties: invoiceProperties(invoice),
      })),
    );
  }

  readDealOutcomes(after: OutcomeCursor | null, limit: number): Promise<DealOutcome[]> {
    return readHubSpotOutcomes(this.api, after, limit);
  }

  upsertCohortSnapshots(snapshots: readonly CohortSnapshot[]): Promise<RecordFailure[]> {
    return this.cohorts.upsert(snapshots);
  }

  async setup(): Promise<SetupReport> {
    const report = await setUpHubSpot(this.api);
    await this.cohorts.setup(report);
    return report;
  }
}
