/**
 * The catalog's read contract for SQL that needs the billable items counting a
 * meter (the entitlement check's credit, which pays by item): composed into
 * the caller's statement, so it costs no round trip. Only the catalog names
 * its tables.
 */

/** `uuid[]` of the billable items that count the meter `meterId` (an SQL expression). */
export const meterItemIds = (meterId: string) =>
  `ARRAY(SELECT item.id FROM billable_items item WHERE item.meter_id = ${meterId})`;
