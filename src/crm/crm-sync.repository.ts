import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CrmProviderName } from './crm-provider';

/** A customer as the CRM sync needs them: who they are and the CRM ids stored on them. */
export interface CrmCustomer {
  id: string;
  externalId: string;
  name: string;
  domain: string | null;
  hubspotCompanyId: string | null;
  salesforceAccountId: string | null;
}

export interface CrmInvoiceRow {
  id: string;
  number: string;
  status: string;
  currency: string;
  total: string;
  periodStart: Date;
  periodEnd: Date;
}

/** Where each provider's account id is kept in `customers.crm`. */
export const ACCOUNT_ID_FIELD: Record<CrmProviderName, 'hubspotCompanyId' | 'salesforceAccountId'> =
  { hubspot: 'hubspotCompanyId', salesforce: 'salesforceAccountId' };

@Injectable()
export class CrmSyncRepository {
  constructor(private readonly db: DataSource) {}

  async customers(ids: readonly string[]): Promise<Map<string, CrmCustomer>> {
    const rows: Array<{
      id: string;
      external_id: string;
      name: string;
      crm: { domain?: string; hubspotCompanyId?: string; salesforceAccountId?: string };
    }> = await this.db.query(
      'SELECT id, external_id, name, crm FROM customers WHERE id = ANY($1::uuid[])',
      [ids],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          externalId: row.external_id,
          name: row.name,
          domain: row.crm.domain ?? null,
          hubspotCompanyId: row.crm.hubspotCompanyId ?? null,
          salesforceAccountId: row.crm.salesforceAccountId ?? null,
        },
      ]),
    );
  }

  /** Stores the account each customer matched, in one statement; unchanged ones are not rewritten. */
  async storeAccountIds(
    provider: CrmProviderName,
    accountIds: ReadonlyMap<string, string>,
  ): Promise<void> {
    if (accountIds.size === 0) return;
    await this.db.query(
      `UPDATE customers c SET crm = c.crm || jsonb_build_object($1::text, v.account_id)
       FROM unnest($2::uuid[], $3::text[]) AS v(id, account_id)
       WHERE c.id = v.id AND c.crm ->> $1 IS DISTINCT FROM v.account_id`,
      [ACCOUNT_ID_FIELD[provider], [...accountIds.keys()], [...accountIds.values()]],
    );
  }

  /**
   * Each customer's latest finalized invoice total, by period: what "last
   * invoice total" means whichever invoice's message is delivered last
   * (retries reorder them).
   */
  async latestInvoiceTotals(customerIds: readonly string[]): Promise<Map<string, string>> {
    if (customerIds.length === 0) return new Map();
    const rows: Array<{ customer_id: string; total: string }> = await this.db.query(
      `SELECT DISTINCT ON (customer_id) customer_id, total::text AS total
       FROM invoices WHERE customer_id = ANY($1::uuid[]) AND status = 'finalized'
       ORDER BY customer_id, period_end DESC, finalized_at DESC, number DESC`,
      [customerIds],
    );
    return new Map(rows.map((row) => [row.customer_id, row.total]));
  }

  /** Finalized (or since voided) invoices by id; drafts have no number and are never pushed. */
  async invoices(ids: readonly string[]): Promise<Map<string, CrmInvoiceRow>> {
    const rows: Array<{
      id: string;
      number: string;
      status: string;
      currency: string;
      total: string;
      period_start: Date;
      period_end: Date;
    }> = await this.db.query(
      `SELECT id, number, status, currency, total::text AS total, period_start, period_end
       FROM invoices WHERE id = ANY($1::uuid[]) AND number IS NOT NULL`,
      [ids],
    );
    return new Map(
      rows.map((row) => [
        row.id,
        {
          id: row.id,
          number: row.number,
          status: row.status,
          currency: row.currency,
          total: row.total,
          periodStart: row.period_start,
          periodEnd: row.period_end,
        },
      ]),
    );
  }
}
