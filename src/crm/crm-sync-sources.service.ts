import { Inject, Injectable } from '@nestjs/common';
import {
  CrmAccountIdField,
  CrmAccountIdsRepository,
} from '../customers/crm-account-ids.repository';
import { CustomerRepository } from '../customers/customer.repository';
import { CrmProviderName } from './crm-provider';
import { CRM_INVOICE_READS, CrmInvoiceReads, CrmInvoiceRow } from './crm-invoice-reads.port';

/** A customer as the CRM sync needs them: who they are and the CRM ids stored on them. */
export interface CrmCustomer {
  id: string;
  externalId: string;
  name: string;
  domain: string | null;
  hubspotCompanyId: string | null;
  salesforceAccountId: string | null;
}

/** Where each provider's account id is kept in `customers.crm`. */
export const ACCOUNT_ID_FIELD: Record<CrmProviderName, CrmAccountIdField> = {
  hubspot: 'hubspotCompanyId',
  salesforce: 'salesforceAccountId',
};

/**
 * What the CRM sync reads and stores, from the modules that own it: customers
 * from the customers module, invoices through the `CRM_INVOICE_READS` port
 * invoicing binds. Each read takes a whole batch's ids in one query.
 */
@Injectable()
export class CrmSyncSources {
  constructor(
    private readonly customerRecords: CustomerRepository,
    private readonly accountIds: CrmAccountIdsRepository,
    @Inject(CRM_INVOICE_READS) private readonly invoiceReads: CrmInvoiceReads,
  ) {}

  async customers(ids: readonly string[]): Promise<Map<string, CrmCustomer>> {
    const records = await this.customerRecords.findByIds(ids);
    return new Map(
      [...records.values()].map((record) => [
        record.id,
        {
          id: record.id,
          externalId: record.externalId,
          name: record.name,
          domain: record.crm.domain ?? null,
          hubspotCompanyId: record.crm.hubspotCompanyId ?? null,
          salesforceAccountId: record.crm.salesforceAccountId ?? null,
        },
      ]),
    );
  }

  /** Stores the account each customer matched, in one statement; unchanged ones are not rewritten. */
  storeAccountIds(
    provider: CrmProviderName,
    accountIds: ReadonlyMap<string, string>,
  ): Promise<void> {
    return this.accountIds.storeAccountIds(ACCOUNT_ID_FIELD[provider], accountIds);
  }

  latestInvoiceTotals(customerIds: readonly string[]): Promise<Map<string, string>> {
    return this.invoiceReads.latestInvoiceTotals(customerIds);
  }

  invoices(ids: readonly string[]): Promise<Map<string, CrmInvoiceRow>> {
    return this.invoiceReads.invoices(ids);
  }
}
