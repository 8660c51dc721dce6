import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/companies';
import { CrmAccount, CustomerIdentity } from '../crm-provider';
import { HubSpotApi } from './hubspot-api';
import { chunks } from './hubspot-batches';
import { CUSTOMER_ID } from './hubspot-schema';

const COMPANY_FIELDS = ['domain', 'hubspot_owner_id', CUSTOMER_ID];

interface Company {
  id: string;
  properties: Record<string, string | null>;
}

const account = (company: Company, created = false): CrmAccount => ({
  id: company.id,
  ownerId: company.properties.hubspot_owner_id || null,
  created,
});

/**
 * Matches customers to companies: the stored company id, else the domain
 * (search API), else, when configured, a new company upserted by our customer
 * id, so a retry after a lost response finds the one it created.
 */
export class HubSpotAccounts {
  constructor(
    private readonly api: HubSpotApi,
    private readonly createMissing: boolean,
  ) {}

  async resolve(customers: readonly CustomerIdentity[]): Promise<Map<string, CrmAccount | null>> {
    const found = new Map<string, CrmAccount | null>();
    const stored = customers.filter((customer) => customer.crmAccountId);
    for (const batch of chunks(stored)) {
      const companies = await this.readByIds(batch.map((customer) => customer.crmAccountId!));
      for (const customer of batch) {
        const company = companies.get(customer.crmAccountId!);
        if (company) found.set(customer.customerId, account(company));
      }
    }
    const byDomain = customers.filter((c) => !found.has(c.customerId) && c.domain);
    for (const batch of chunks(byDomain)) {
      const companies = await this.searchByDomain(batch.map((customer) => customer.domain!));
      for (const customer of batch) {
        const company = companies.get(customer.domain!.toLowerCase());
        if (company) found.set(customer.customerId, account(company));
      }
    }
    const missing = customers.filter((customer) => !found.has(customer.customerId));
    if (this.createMissing) {
      for (const batch of chunks(missing)) {
        for (const [customerId, company] of await this.upsert(batch))
          found.set(customerId, company);
      }
    }
    for (const customer of missing)
      if (!found.has(customer.customerId)) found.set(customer.customerId, null);
    return found;
  }

  private async readByIds(ids: string[]): Promise<Map<string, Company>> {
    const response = await this.api.call('company read', (client) =>
      client.crm.companies.batchApi.read({
        inputs: ids.map((id) => ({ id })),
        properties: COMPANY_FIELDS,
        propertiesWithHistory: [],
      }),
    );
    return new Map(response.results.map((company) => [company.id, company]));
  }

  /** One search for up to 100 domains; of several companies on a domain, the oldest is the account. */
  private async searchByDomain(domains: string[]): Promise<Map<string, Company>> {
    const byDomain = new Map<string, Company>();
    let after: string | undefined;
    do {
      const page = await this.api.search('company search', (client) =>
        client.crm.companies.searchApi.doSearch({
          filterGroups: [
            {
              filters: [
                { propertyName: 'domain', operator: FilterOperatorEnum.In, values: domains },
              ],
            },
          ],
          properties: COMPANY_FIELDS,
          sorts: ['hs_object_id'],
          limit: 100,
          after,
        }),
      );
      for (const company of page.results) {
        const domain = company.properties.domain?.toLowerCase();
        if (domain && !byDomain.has(domain)) byDomain.set(domain, company);
      }
      after = page.paging?.next?.after;
    } while (after);
    return byDomain;
  }

  private async upsert(customers: CustomerIdentity[]): Promise<Map<string, CrmAccount>> {
    const response = await this.api.call('company upsert', (client) =>
      client.crm.companies.batchApi.upsert({
        inputs: customers.map((customer) => ({
          id: customer.customerId,
          idProperty: CUSTOMER_ID,
          properties: {
            [CUSTOMER_ID]: customer.customerId,
            name: customer.name,
            ...(customer.domain ? { domain: customer.domain } : {}),
          },
        })),
      }),
    );
    return new Map(
      response.results.map((company) => [
        company.properties[CUSTOMER_ID] ?? '',
        account(company, company._new),
      ]),
    );
  }
}
