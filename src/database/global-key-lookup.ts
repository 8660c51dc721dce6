/**
 * Keys the contract makes unique across customers (a customer's external id,
 * a subscription's idempotency key, invoice and credit note numbers, …) on
 * tables distributed by customer (src/database/distribution.ts). Citus only
 * enforces a unique key that includes the distribution column, so each of
 * these tables keys them with the customer, and the global uniqueness is held
 * by `global_keys`, one row per (kind, key), distributed by the key itself as
 * usage_event_ids is. A write claims its keys in its own transaction: a
 * rollback gives them back, and of two concurrent claims of one key the second
 * waits for the first and finds it taken once it commits.
 */
import { Queryable } from './transaction';

/**
 * One kind per key of the contract. Invoice and credit note numbers and credit
 * note idempotency keys are claimed by triggers of migration 1795000000193
 * until their SQL (src/invoicing/) claims them itself.
 */
export type GlobalKeyKind =
  | 'customer_external_id'
  | 'customer_unsubscribe_token'
  | 'subscription_idempotency_key'
  | 'usage_page_token_digest'
  | 'invoice_number'
  | 'credit_note_number'
  | 'credit_note_idempotency_key';

export interface GlobalKey {
  kind: GlobalKeyKind;
  key: string;
}

/**
 * Claims the keys for the customer and answers those another customer (or an
 * earlier write of this one) already holds, which this call did not claim.
 * The caller decides what a taken key means: a conflict to report, or the
 * retry of a write already made (an idempotency key).
 */
export async function claimGlobalKeys(
  db: Queryable,
  customerId: string,
  keys: readonly GlobalKey[],
): Promise<GlobalKey[]> {
  if (keys.length === 0) return [];
  const claimed: GlobalKey[] = await db.query(
    `INSERT INTO global_keys (kind, key, customer_id)
     SELECT kind, key, $3 FROM unnest($1::text[], $2::text[]) AS k (kind, key)
     ON CONFLICT (key, kind) DO NOTHING
     RETURNING kind, key`,
    [keys.map((key) => key.kind), keys.map((key) => key.key), customerId],
  );
  const mine = new Set(claimed.map((key) => `${key.kind}\u0000${key.key}`));
  return keys.filter((key) => !mine.has(`${key.kind}\u0000${key.key}`));
}

/** Gives back keys the customer holds (a rotated token); a key held by another customer stays. */
export async function releaseGlobalKeys(
  db: Queryable,
  customerId: string,
  keys: readonly GlobalKey[],
): Promise<void> {
  if (keys.length === 0) return;
  await db.query(
    `DELETE FROM global_keys g USING unnest($1::text[], $2::text[]) AS k (kind, key)
     WHERE g.key = k.key AND g.kind = k.kind AND g.customer_id = $3`,
    [keys.map((key) => key.kind), keys.map((key) => key.key), customerId],
  );
}

/** The customer holding a key, null when nobody does: one node's probe on Citus. */
export async function globalKeyHolder(db: Queryable, key: GlobalKey): Promise<string | null> {
  const rows: Array<{ customer_id: string }> = await db.query(
    'SELECT customer_id FROM global_keys WHERE key = $1 AND kind = $2',
    [key.key, key.kind],
  );
  return rows[0]?.customer_id ?? null;
}
