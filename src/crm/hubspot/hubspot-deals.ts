import { RecordFailure } from '../crm-provider';
import { HubSpotApi } from './hubspot-api';
import { BatchErrors, chunks, recordFailures, sendInBatches } from './hubspot-batches';
import { KeyedRecord } from './hubspot-keyed-records';
import { EXTERNAL_KEY } from './hubspot-schema';

interface UpsertAnswer extends BatchErrors {
  results: Array<{ id: string; properties: Record<string, string | null> }>;
}

/**
 * Deals, upserted by our unique key. Which exist is read first (batch read by
 * the key), so a new deal is created with its pipeline and stage in the same
 * call, and an existing one never has them rewritten: once it exists the
 * stage belongs to sales. A retry after a lost answer reads the deal the lost
 * call created, stage and all.
 */
export class HubSpotDeals {
  constructor(
    private readonly api: HubSpotApi,
    private readonly stage: { pipeline: string; dealstage: string },
  ) {}

  async upsert(deals: readonly KeyedRecord[]): Promise<RecordFailure[]> {
    const existing = await this.existingKeys(deals.map((d) => d.key));
    const records = deals.map((deal) =>
      existing.has(deal.key)
        ? deal
        : { ...deal, properties: { ...deal.properties, ...this.stage } },
    );
    return sendInBatches(
      records,
      (r) => r.key,
      (batch) => this.send(batch),
    );
  }

  private async existingKeys(keys: readonly string[]): Promise<Set<string>> {
    const existing = new Set<string>();
    for (const batch of chunks([...new Set(keys)])) {
      const answer = await this.api.call('deals read', (client) =>
        client.crm.deals.batchApi.read({
          idProperty: EXTERNAL_KEY,
          inputs: batch.map((id) => ({ id })),
          properties: [EXTERNAL_KEY],
          propertiesWithHistory: [],
        }),
      );
      for (const deal of answer.results) {
        const key = deal.properties[EXTERNAL_KEY];
        if (key) existing.add(key);
      }
    }
    return existing;
  }

  /** One upsert and the company associations of its deals (idempotent both). */
  private async send(batch: KeyedRecord[]): Promise<RecordFailure[]> {
    const answer: UpsertAnswer = await this.api.call('deals upsert', (client) =>
      client.crm.deals.batchApi.upsert({
        inputs: batch.map((record) => ({
          id: record.key,
          idProperty: EXTERNAL_KEY,
          properties: record.properties,
        })),
      }),
    );
    const companyOf = new Map(batch.map((record) => [record.key, record.companyId]));
    const associations = answer.results.flatMap((result) => {
      const companyId = companyOf.get(result.properties[EXTERNAL_KEY] ?? '');
      return companyId ? [{ _from: { id: result.id }, to: { id: companyId } }] : [];
    });
    if (associations.length > 0) {
      await this.api.call('deals associations', (client) =>
        client.crm.associations.v4.batchApi.createDefault('deals', 'companies', {
          inputs: associations,
        }),
      );
    }
    return recordFailures(answer);
  }
}
