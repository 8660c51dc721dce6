import { HubSpotConfig } from '../../config/app-config';
import {
  AccountUsageProperties,
  CohortSnapshot,
  CrmAccount,
  CrmInvoice,
  CrmProvider,
  CustomerIdentity,
  ExpansionOpportunity,
  RecordFailure,
  SetupReport,
  UpsellTask,
} from '../crm-provider';
import { HubSpotAccounts } from './hubspot-accounts';
import { HubSpotApi } from './hubspot-api';
import { chunks, recordFailures } from './hubspot-batches';
import { HubSpotCohorts } from './hubspot-cohorts';
import {
  companyProperties,
  dealProperties,
  invoiceProperties,
  taskProperties,
} from './hubspot-records';
import { EXTERNAL_KEY, INVOICE_NUMBER } from './hubspot-schema';
import { setUpHubSpot } from './hubspot-setup';
import { upsertAndAssociate } from './hubspot-upserts';

export interface HubSpotProviderOptions {
  hubspot: HubSpotConfig;
  createMissingAccounts: boolean;
  requestTimeoutMs: number;
}

/** The CRM port on HubSpot: companies, deals, tasks and invoices through the official client. */
export class HubSpotCrmProvider implements CrmProvider {
  readonly name = 'hubspot';
  readonly api: HubSpotApi;
  private readonly accounts: HubSpotAccounts;
  private readonly cohorts: HubSpotCohorts;

  constructor(private readonly options: HubSpotProviderOptions) {
    this.api = new HubSpotApi(options.hubspot, options.requestTimeoutMs);
    this.accounts = new HubSpotAccounts(this.api, options.createMissingAccounts);
    this.cohorts = new HubSpotCohorts(this.api);
  }

  resolveAccounts(customers: readonly CustomerIdentity[]): Promise<Map<string, CrmAccount | null>> {
    return this.accounts.resolve(customers);
  }

  async updateAccountProperties(
    updates: readonly AccountUsageProperties[],
  ): Promise<RecordFailure[]> {
    const failures: RecordFailure[] = [];
    for (const batch of chunks(updates)) {
      const answer = await this.api.call('company update', (client) =>
        client.crm.companies.batchApi.update({
          inputs: batch.map((update) => ({
            id: update.accountId,
            properties: companyProperties(update),
          })),
        }),
      );
      failures.push(...recordFailures(answer));
    }
    return failures;
  }

  async upsertTasks(tasks: readonly UpsellTask[]): Promise<RecordFailure[]> {
    const records = tasks.map((task) => ({
      key: task.externalKey,
      companyId: task.accountId,
      properties: taskProperties(task),
    }));
    return (await upsertAndAssociate(this.api, 'tasks', EXTERNAL_KEY, records)).failures;
  }

  async upsertOpportunities(deals: readonly ExpansionOpportunity[]): Promise<RecordFailure[]> {
    const records = deals.map((deal) => ({
      key: deal.externalKey,
      companyId: deal.accountId,
      properties: dealProperties(deal),
    }));
    const { failures, created } = await upsertAndAssociate(
      this.api,
      'deals',
      EXTERNAL_KEY,
      records,
    );
    // New deals enter the configured pipeline and stage; existing ones stay where sales moved them.
    for (const batch of chunks([...created.values()])) {
      await this.api.call('deal stage', (client) =>
        client.crm.deals.batchApi.update({
          inputs: batch.map((id) => ({
            id,
            properties: {
              pipeline: this.options.hubspot.dealPipeline,
              dealstage: this.options.hubspot.dealStage,
            },
          })),
        }),
      );
    }
    return failures;
  }

  async upsertInvoices(invoices: readonly CrmInvoice[]): Promise<RecordFailure[]> {
    const records = invoices.map((invoice) => ({
      key: invoice.number,
      companyId: invoice.accountId,
      properties: invoiceProperties(invoice),
    }));
    return (await upsertAndAssociate(this.api, 'invoices', INVOICE_NUMBER, records)).failures;
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
