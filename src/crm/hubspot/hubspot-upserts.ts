import { RecordFailure } from '../crm-provider';
import { HubSpotApi } from './hubspot-api';
import { BatchErrors, chunks, recordFailures } from './hubspot-batches';
import { HubSpotProperties } from './hubspot-records';

/** A record to upsert by a unique property, and the company to associate it with. */
export interface Upsert {
  key: string;
  companyId: string;
  properties: HubSpotProperties;
}

export type UpsertedType = 'deals' | 'tasks' | 'invoices';

interface UpsertAnswer extends BatchErrors {
  results: Array<{ id: string; _new: boolean; properties: Record<string, string | null> }>;
}

/**
 * Upserts records by `idProperty` (batch upsert, 100 a call) and associates
 * each with its company (associations v4, default type). Both steps are
 * idempotent, so a retry after a lost response repeats them harmlessly.
 * Answers the records created by this call too, for create-only fields.
 */
export async function upsertAndAssociate(
  api: HubSpotApi,
  type: UpsertedType,
  idProperty: string,
  records: readonly Upsert[],
): Promise<{ failures: RecordFailure[]; created: Map<string, string> }> {
  const failures: RecordFailure[] = [];
  const created = new Map<string, string>();
  for (const batch of chunks(records)) {
    const body = {
      inputs: batch.map((record) => ({
        id: record.key,
        idProperty,
        properties: record.properties,
      })),
    };
    const answer: UpsertAnswer = await api.call(`${type} upsert`, (client) => {
      switch (type) {
        case 'deals':
          return client.crm.deals.batchApi.upsert(body);
        case 'tasks':
          return client.crm.objects.tasks.batchApi.upsert(body);
        case 'invoices':
          return client.crm.commerce.invoices.batchApi.upsert(body);
      }
    });
    failures.push(...recordFailures(answer));
    const companyOf = new Map(batch.map((record) => [record.key, record.companyId]));
    const associations = answer.results.flatMap((result) => {
      const key = result.properties[idProperty];
      const companyId = key ? companyOf.get(key) : undefined;
      if (key && result._new) created.set(key, result.id);
      return companyId ? [{ _from: { id: result.id }, to: { id: companyId } }] : [];
    });
    if (associations.length > 0) {
      await api.call(`${type} associations`, (client) =>
        client.crm.associations.v4.batchApi.createDefault(type, 'companies', {
          inputs: associations,
        }),
      );
    }
  }
  return { failures, created };
}
