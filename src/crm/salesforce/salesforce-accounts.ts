/**
 * Account matching: the stored account id, else our customer id in the
 * external-id field, else (when configured) a new account upserted by that
 * external id, so a retry after a lost response finds it instead of making
 * a second one.
 */
import { Connection } from 'jsforce';
import {
  CrmAccount,
  CrmPermanentError,
  CrmTransientError,
  CustomerIdentity,
} from '../crm-provider';
import { QueryRow, selectWhereIn, upsertRecords } from './salesforce-collections';
import { newAccountRecord } from './salesforce-records';
import { ACCOUNT_EXTERNAL_ID_FIELD } from './salesforce-schema';

const ACCOUNT_FIELDS = ['Id', 'OwnerId', ACCOUNT_EXTERNAL_ID_FIELD];

export async function resolveAccounts(
  conn: Connection,
  customers: readonly CustomerIdentity[],
  createMissing: boolean,
): Promise<Map<string, CrmAccount | null>> {
  const resolved = new Map<string, CrmAccount | null>();

  const byId = await selectAccounts(
    conn,
    'Id',
    customers.flatMap((c) => c.crmAccountId ?? []),
  );
  // A stored id whose account was deleted or merged falls through to the external id.
  for (const customer of customers) {
    const row = customer.crmAccountId ? byId.get(customer.crmAccountId) : undefined;
    if (row) resolved.set(customer.customerId, account(row, false));
  }

  const unmatched = customers.filter((c) => !resolved.has(c.customerId));
  const byExternalId = await selectAccounts(
    conn,
    ACCOUNT_EXTERNAL_ID_FIELD,
    unmatched.map((c) => c.externalId),
  );
  const missing: CustomerIdentity[] = [];
  for (const customer of unmatched) {
    const row = byExternalId.get(customer.externalId);
    if (row) resolved.set(customer.customerId, account(row, false));
    else if (createMissing) missing.push(customer);
    else resolved.set(customer.customerId, null);
  }

  if (missing.length > 0) {
    const created = await createAccounts(conn, missing);
    for (const customer of missing) {
      const row = created.get(customer.externalId);
      resolved.set(customer.customerId, row ? account(row, true) : null);
    }
  }
  return resolved;
}

/** Upserts the missing accounts, then reads them back for the owner Salesforce assigned. */
async function createAccounts(
  conn: Connection,
  customers: readonly CustomerIdentity[],
): Promise<Map<string, QueryRow>> {
  const failures = await upsertRecords(
    conn,
    'Account',
    ACCOUNT_EXTERNAL_ID_FIELD,
    customers.map((c) => ({ key: c.externalId, record: newAccountRecord(c) })),
  );
  if (failures.length > 0) {
    // The port has no per-customer failure channel here: fail the batch, typed by whether retrying can help.
    const message = `Salesforce: creating accounts failed: ${failures.map((f) => `${f.key}: ${f.message}`).join('; ')}`;
    throw failures.every((f) => f.retriable)
      ? new CrmTransientError(message)
      : new CrmPermanentError(message);
  }
  return selectAccounts(
    conn,
    ACCOUNT_EXTERNAL_ID_FIELD,
    customers.map((c) => c.externalId),
  );
}

function selectAccounts(
  conn: Connection,
  field: string,
  values: readonly string[],
): Promise<Map<string, QueryRow>> {
  return selectWhereIn(conn, 'Account', ACCOUNT_FIELDS, field, values);
}

function account(row: QueryRow, created: boolean): CrmAccount {
  if (!row.Id) throw new CrmTransientError('Salesforce: account row without Id');
  return { id: row.Id, ownerId: row.OwnerId, created };
}
