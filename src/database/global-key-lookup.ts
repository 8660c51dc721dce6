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
 * One kind per key of the contract, and subscription ids: unique by making,
 * held here so a route naming a subscription alone finds its customer on one
 * node.
 */
export type GlobalKeyKind =
  | 'customer_external_id'
  | 'customer_unsubscribe_token'
  | 'subscription_id'
  | 'subscription_idempotency_key'
  | 'usage_page_token_digest'
  | 'invoice_number'
  | 'credit_note_number'
  | 'credit_note_idempotency_key';

export interface GlobalKey {
  kind: GlobalKeyKind;
  key: string;
}

export interface GlobalKeyClaim extends GlobalKey {
  customerId: string;
}

// Each key with its own customer, so one statement claims a whole billing round's numbers.
const INSERT_CLAIMS = `
  INSERT INTO global_keys (kind, key, customer_id)
  SELECT kind, key, customer_id FROM unnest($1::text[], $2::text[], $3::uuid[]) AS k (kind, key, customer_id)`;

const claimParameters = (claims: readonly GlobalKeyClaim[]) => [
  claims.map((claim) => claim.kind),
  claims.map((claim) => claim.key),
  claims.map((claim) => claim.customerId),
];

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
    `${INSERT_CLAIMS} ON CONFLICT (key, kind) DO NOTHING RETURNING kind, key`,
    claimParameters(keys.map((key) => ({ ...key, customerId }))),
  );
  const mine = new Set(claimed.map((key) => `${key.kind}\u0000${key.key}`));
  return keys.filter((key) => !mine.has(`${key.kind}\u0000${key.key}`));
}

/**
 * Claims keys the service hands out itself (invoice and credit note numbers,
 * subscription ids), each for its own customer, in one statement. Nobody
 * should hold one yet: a taken key fails the statement with the unique
 * violation of global_keys' primary key, as a unique column would, and the
 * transaction rolls back with what it wrote (a number taken from its counter).
 */
export async function claimIssuedKeys(
  db: Queryable,
  claims: readonly GlobalKeyClaim[],
): Promise<void> {
  if (claims.length === 0) return;
  await db.query(INSERT_CLAIMS, claimParameters(claims));
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
  return (await globalKeyHolders(db, key.kind, [key.key])).get(key.key) ?? null;
}

/** The customers holding keys of one kind, by key; a key nobody holds is absent. */
export async function globalKeyHolders(
  db: Queryable,
  kind: GlobalKeyKind,
  keys: readonly string[],
): Promise<Map<string, string>> {
  if (keys.length === 0) return new Map();
  const rows: Array<{ key: string; customer_id: string }> = await db.query(
    'SELECT key, customer_id FROM global_keys WHERE key = ANY($1::text[]) AND kind = $2',
    [keys, kind],
  );
  return new Map(rows.map((row) => [row.key, row.customer_id]));
}
