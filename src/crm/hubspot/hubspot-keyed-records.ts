import { AssociationSpecAssociationCategoryEnum } from '@hubspot/api-client/lib/codegen/crm/objects/tasks';
import { FilterOperatorEnum } from '@hubspot/api-client/lib/codegen/crm/companies';
import { CrmRecordIdStore, RecordFailure } from '../crm-provider';
import { HubSpotApi } from './hubspot-api';
import { chunks, recordFailures, sendInBatches } from './hubspot-batches';
import { HubSpotProperties } from './hubspot-records';

/** A record to write under our key, and the company it belongs to. */
export interface KeyedRecord {
  key: string;
  companyId: string;
  properties: HubSpotProperties;
}

export type KeyedType = 'tasks' | 'invoices';

/** HubSpot-defined association types from these objects to companies. */
const TO_COMPANY: Record<KeyedType, number> = { tasks: 192, invoices: 179 };

interface WriteAnswer {
  results: Array<{ id: string; properties: Record<string, string | null> }>;
}

/**
 * Tasks and invoices: HubSpot offers no unique properties on them, so no
 * upsert. We keep which record each of our keys became (CrmRecordIdStore),
 * update by that id, and create the rest with their company association in
 * the same call. A create whose answer never came leaves its key without an
 * id: the next attempt searches by our key property first, so a retry
 * creates nothing twice.
 */
export class HubSpotKeyedRecords {
  constructor(
    private readonly api: HubSpotApi,
    private readonly ids: CrmRecordIdStore,
  ) {}

  async write(
    type: KeyedType,
    keyProperty: string,
    records: readonly KeyedRecord[],
  ): Promise<RecordFailure[]> {
    const latest = [...new Map(records.map((r) => [r.key, r])).values()];
    const known = await this.ids.find(
      'hubspot',
      type,
      latest.map((r) => r.key),
    );
    const unsure = latest.filter((r) => known.has(r.key) && known.get(r.key) === null);
    const found = await this.searchByKey(
      type,
      keyProperty,
      unsure.map((r) => r.key),
    );
    await this.ids.store('hubspot', type, found);
    const idOf = (key: string) => known.get(key) ?? found.get(key) ?? null;
    const updates = latest.filter((r) => idOf(r.key));
    const creates = latest.filter((r) => !idOf(r.key));
    const failures = await sendInBatches(
      updates,
      (r) => r.key,
      (batch) => this.update(type, batch, idOf),
    );
    if (creates.length > 0) {
      await this.ids.markCreating(
        'hubspot',
        type,
        creates.map((r) => r.key),
      );
      failures.push(
        ...(await sendInBatches(
          creates,
          (r) => r.key,
          (batch) => this.create(type, keyProperty, batch),
        )),
      );
    }
    return failures;
  }

  private async create(
    type: KeyedType,
    keyProperty: string,
    batch: KeyedRecord[],
  ): Promise<RecordFailure[]> {
    const body = {
      inputs: batch.map((record) => ({
        properties: record.properties,
        associations: [
          {
            to: { id: record.companyId },
            types: [
              {
                associationCategory: AssociationSpecAssociationCategoryEnum.HubspotDefined,
                associationTypeId: TO_COMPANY[type],
              },
            ],
          },
        ],
      })),
    };
    const answer: WriteAnswer = await this.api.call(`${type} create`, (client) =>
      type === 'tasks'
        ? client.crm.objects.tasks.batchApi.create(body)
        : client.crm.commerce.invoices.batchApi.create(body as never),
    );
    await this.ids.store(
      'hubspot',
      type,
      new Map(
        answer.results.flatMap((r) => {
          const key = r.properties[keyProperty];
          return key ? [[key, r.id] as const] : [];
        }),
      ),
    );
    return [];
  }

  /** Failures come back keyed by HubSpot id; they are reported under our key. */
  private async update(
    type: KeyedType,
    batch: KeyedRecord[],
    idOf: (key: string) => string | null,
  ): Promise<RecordFailure[]> {
    const body = {
      inputs: batch.map((record) => ({ id: idOf(record.key)!, properties: record.properties })),
    };
    const answer = await this.api.call(`${type} update`, (client) =>
      type === 'tasks'
        ? client.crm.objects.tasks.batchApi.update(body)
        : client.crm.commerce.invoices.batchApi.update(body),
    );
    const keyOf = new Map(batch.map((record) => [idOf(record.key)!, record.key]));
    return recordFailures(answer).map((f) => ({ ...f, key: keyOf.get(f.key) ?? f.key }));
  }

  /** Our key property is plain text: search it, 100 keys a filter; the oldest record wins. */
  private async searchByKey(
    type: KeyedType,
    keyProperty: string,
    keys: readonly string[],
  ): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const batch of chunks(keys)) {
      let after: string | undefined;
      do {
        const request = {
          filterGroups: [
            {
              filters: [
                { propertyName: keyProperty, operator: FilterOperatorEnum.In, values: batch },
              ],
            },
          ],
          properties: [keyProperty],
          sorts: ['hs_object_id'],
          limit: 200,
          after,
        };
        const page = await this.api.search(`${type} search`, (client) =>
          type === 'tasks'
            ? client.crm.objects.tasks.searchApi.doSearch(request as never)
            : client.crm.commerce.invoices.searchApi.doSearch(request as never),
        );
        for (const record of page.results) {
          const key = record.properties[keyProperty];
          if (key && batch.includes(key) && !found.has(key)) found.set(key, record.id);
        }
        after = page.paging?.next?.after;
      } while (after);
    }
    return found;
  }
}
