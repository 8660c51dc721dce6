/**
 * The credits module's read contract for the credit that can pay for a meter,
 * composed into the caller's statement (the entitlement check reads it beside
 * the usage, in one round trip). The SQL function `credit_available_at`
 * (migration 1795000000196) sums what the ledger lots paying for the items
 * have left, and the units left in their prepaid blocks, both as of `at`.
 * Callers read `<alias>.balance` and `<alias>.prepaid_units` (numeric, NULL
 * when no lot, resp. no block, pays for the items).
 */

/** `LATERAL` row of the customer's credit in `currency` for the items `itemIds` at `at` (SQL expressions), as `alias`. */
export const availableCreditJoin = (
  customerId: string,
  currency: string,
  itemIds: string,
  at: string,
  alias: string,
) =>
  `CROSS JOIN LATERAL credit_available_at(${customerId}, ${currency}, ${itemIds}, ${at}) ${alias}`;
