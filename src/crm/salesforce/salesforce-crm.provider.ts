/**
 * The Salesforce adapter of the CRM port, over jsforce. Every write is an
 * sObject Collections call of up to 200 records, keyed by an external id
 * where it creates, so a retry after a lost response creates nothing new.
 */
import { DealOutcome, OutcomeCursor } from '../../deal-outcomes/deal-outcome';
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
import { resolveAccounts } from './salesforce-accounts';
import {
  selectWhereIn,
  toKeyedRecords,
  updateRecords,
  upsertRecords,
} from './salesforce-collections';
import { SalesforceOptions } from './salesforce-options';
import { readSalesforceOutcomes } from './salesforce-outcomes';
import {
  accountUpdateRecord,
  cohortSnapshotRecord,
  invoiceRecord,
  opportunityRecord,
  taskRecord,
} from './salesforce-records';
import {
  COHORT_KEY_FIELD,
  COHORT_OBJECT,
  EXTERNAL_KEY_FIELD,
  INVOICE_NUMBER_FIELD,
  INVOICE_OBJECT,
} from './salesforce-schema';
import { SalesforceSession } from './salesforce-session';
import { setupSalesforce } from './salesforce-setup';

export class SalesforceCrmProvider implements CrmProvider {
  readonly name = 'salesforce' as const;
  private readonly session: SalesforceSession;

  constructor(private readonly options: SalesforceOptions) {
    this.session = new SalesforceSession(options);
  }

  resolveAccounts(customers: readonly CustomerIdentity[]): Promise<Map<string, CrmAccount | null>> {
    return this.session.call((conn) =>
      resolveAccounts(conn, customers, this.options.createMissingAccounts),
    );
  }

  async updateAccountProperties(
    updates: readonly AccountUsageProperties[],
  ): Promise<RecordFailure[]> {
    const { records, failures } = toKeyedRecords(updates, (u) => u.accountId, accountUpdateRecord);
    const sent = await this.session.call((conn) => updateRecords(conn, 'Account', records));
    return [...failures, ...sent];
  }

  async upsertTasks(tasks: readonly UpsellTask[]): Promise<RecordFailure[]> {
    const { records, failures } = toKeyedRecords(tasks, (t) => t.externalKey, taskRecord);
    const sent = await this.session.call((conn) =>
      upsertRecords(conn, 'Task', EXTERNAL_KEY_FIELD, records),
    );
    return [...failures, ...sent];
  }

  upsertOpportunities(opportunities: readonly ExpansionOpportunity[]): Promise<RecordFailure[]> {
    return this.session.call(async (conn) => {
      // Which exist already decides which get the configured stage (see opportunityRecord).
      const keys = opportunities.map((o) => o.externalKey);
      const existing = await selectWhereIn(
        conn,
        'Opportunity',
        [EXTERNAL_KEY_FIELD],
        EXTERNAL_KEY_FIELD,
        keys,
      );
      const stageFor = (o: ExpansionOpportunity) =>
        existing.has(o.externalKey) ? null : this.options.opportunityStage;
      const { records, failures } = toKeyedRecords(
        opportunities,
        (o) => o.externalKey,
        (o) => opportunityRecord(o, stageFor(o)),
      );
      return [
        ...failures,
        ...(await upsertRecords(conn, 'Opportunity', EXTERNAL_KEY_FIELD, records)),
      ];
    });
  }

  async upsertInvoices(invoices: readonly CrmInvoice[]): Promise<RecordFailure[]> {
    const { records, failures } = toKeyedRecords(invoices, (i) => i.number, invoiceRecord);
    const sent = await this.session.call((conn) =>
      upsertRecords(conn, INVOICE_OBJECT, INVOICE_NUMBER_FIELD, records),
    );
    return [...failures, ...sent];
  }

  async upsertCohortSnapshots(snapshots: readonly CohortSnapshot[]): Promise<RecordFailure[]> {
    const { records, failures } = toKeyedRecords(snapshots, (s) => s.key, cohortSnapshotRecord);
    const sent = await this.session.call((conn) =>
      upsertRecords(conn, COHORT_OBJECT, COHORT_KEY_FIELD, records),
    );
    return [...failures, ...sent];
  }

  readDealOutcomes(after: OutcomeCursor | null, limit: number): Promise<DealOutcome[]> {
    return this.session.call((conn) => readSalesforceOutcomes(conn, after, limit));
  }

  setup(): Promise<SetupReport> {
    return this.session.call(setupSalesforce);
  }
}
