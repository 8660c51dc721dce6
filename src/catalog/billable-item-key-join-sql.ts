/**
 * The catalog's read contract for SQL that holds billable item ids (a
 * subscription's licences, a credit lot's `applies_to`) and shows item keys:
 * composed into the caller's statement, so a list of ids costs no round trip.
 * Only the catalog names its tables; callers read `<alias>.key`.
 */

/** `JOIN LATERAL` of the item `itemId` (an SQL expression) as `alias`, with its `key`. */
export const billableItemKeyJoin = (itemId: string, alias: string) =>
  `JOIN LATERAL (SELECT b.key FROM billable_items b WHERE b.id = ${itemId}) ${alias} ON true`;
