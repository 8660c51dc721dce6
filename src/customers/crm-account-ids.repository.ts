import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CrmIdentity } from './dto/customer.schema';

/** Where a CRM's account id is kept in `customers.crm`. */
export type CrmAccountIdField = Exclude<keyof CrmIdentity, 'domain'>;

/** The CRM sync's writes to `customers`: the account each customer matched in the CRM. */
@Injectable()
export class CrmAccountIdsRepository {
  constructor(private readonly db: DataSource) {}

  /** Stores the account each customer matched, in one statement; unchanged ones are not rewritten. */
  async storeAccountIds(
    field: CrmAccountIdField,
    accountIds: ReadonlyMap<string, string>,
  ): Promise<void> {
    if (accountIds.size === 0) return;
    await this.db.query(
      `UPDATE customers c SET crm = c.crm || jsonb_build_object($1::text, v.account_id)
       FROM unnest($2::uuid[], $3::text[]) AS v(id, account_id)
       WHERE c.id = v.id AND c.crm ->> $1 IS DISTINCT FROM v.account_id`,
      [field, [...accountIds.keys()], [...accountIds.values()]],
    );
  }
}
