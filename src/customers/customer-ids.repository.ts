import { Injectable } from '@nestjs/common';
import { globalKeyHolders } from '../database/global-key-lookup';
import { Queryable } from '../database/transaction';

/** Customers remembered per process and direction: a few MB at most, for the busiest customers. */
const REMEMBERED = 10_000;

/** Keeps at most REMEMBERED entries, dropping the oldest first (a Map iterates in insertion order). */
function remember(known: Map<string, string>, key: string, value: string): void {
  if (known.size >= REMEMBERED) known.delete(known.keys().next().value as string);
  known.set(key, value);
}

/**
 * Customer ids by external id and back, for the hot paths: ingestion names
 * customers by external id, found through global_keys (`customer_external_id`,
 * sharded by the key, so on Citus each lookup goes to the nodes of its keys
 * only) and then read by id on the customer's own node; the alert rules hold
 * ids and show external ids, read by id.
 *
 * What is found is remembered for the life of the process: the pairing never
 * changes once committed (an external id cannot be changed, no customer is
 * deleted, and its claim is never released), and only committed rows are
 * read. An unknown one is asked again each time: it may be created meanwhile.
 */
@Injectable()
export class CustomerIdsRepository {
  private readonly idByExternalId = new Map<string, string>();
  private readonly externalIdById = new Map<string, string>();

  /** The ids of those of `externalIds` that exist, by external id. */
  async idsOf(db: Queryable, externalIds: readonly string[]): Promise<Map<string, string>> {
    const { found, unknown } = this.lookUp(this.idByExternalId, externalIds);
    for (const [externalId, id] of await globalKeyHolders(db, 'customer_external_id', unknown)) {
      found.set(externalId, id);
      this.pair(id, externalId);
    }
    return found;
  }

  /** The external ids of those of `ids` that exist, by id. */
  async externalIdsOf(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
    const { found, unknown } = this.lookUp(this.externalIdById, ids);
    if (unknown.length === 0) return found;
    const rows: Array<{ id: string; external_id: string }> = await db.query(
      'SELECT id, external_id FROM customers WHERE id = ANY($1::uuid[])',
      [unknown],
    );
    for (const row of rows) {
      found.set(row.id, row.external_id);
      this.pair(row.id, row.external_id);
    }
    return found;
  }

  private lookUp(known: ReadonlyMap<string, string>, keys: readonly string[]) {
    const found = new Map<string, string>();
    const unknown: string[] = [];
    for (const key of new Set(keys)) {
      const value = known.get(key);
      if (value === undefined) unknown.push(key);
      else found.set(key, value);
    }
    return { found, unknown };
  }

  private pair(id: string, externalId: string): void {
    remember(this.idByExternalId, externalId, id);
    remember(this.externalIdById, id, externalId);
  }
}
