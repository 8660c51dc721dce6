/**
 * The catalog's read contract for SQL that holds billable item ids (a
 * subscription's licences, a credit lot's `applies_to`, an invoice line's
 * item) and shows item keys: composed into the caller's statement, so a list
 * of ids costs no round trip. Only the catalog names its tables; callers read
 * `<alias>.key`.
 */

/** The key of the item `itemId` (an SQL expression), as a subquery. */
const itemKey = (itemId: string) => `(SELECT b.key FROM billable_items b WHERE b.id = ${itemId})`;

/** `JOIN LATERAL` of the item `itemId` (an SQL expression) as `alias`, with its `key`. */
export const billableItemKeyJoin = (itemId: string, alias: string) =>
  `JOIN LATERAL ${itemKey(itemId)} ${alias} ON true`;

/**
 * `LEFT JOIN LATERAL` of the item `itemId` as `alias`: `<alias>.key` is null
 * when `itemId` is null (an invoice line that bills no item: credit, tax).
 */
export const optionalBillableItemKeyJoin = (itemId: string, alias: string) =>
  `LEFT JOIN LATERAL ${itemKey(itemId)} ${alias} ON true`;
