/**
 * The customers module's read contract for SQL that holds customer ids (an
 * invoice's, a credit note's, a fired alert's) and shows or filters by the
 * customer's external id: composed into those listings, paged and filtered by
 * customer, so it costs no extra round trip. (The alert rules, a reference
 * table read on every evaluation pass, ask CustomerIdsRepository instead: a
 * join from one would go to every node on Citus.) Only this module names its
 * table; callers read `<alias>.external_id`.
 */

const lateralCustomer = (customerId: string, alias: string) =>
  `LATERAL (SELECT customer.external_id FROM customers customer WHERE customer.id = ${customerId}) ${alias} ON true`;

/** `JOIN LATERAL` of the customer `customerId` (an SQL expression, never null) as `alias`, with its `external_id`. */
export const customerExternalIdJoin = (customerId: string, alias: string) =>
  `JOIN ${lateralCustomer(customerId, alias)}`;

/** The same as a `LEFT JOIN`, for an id that may be null: the row stays, with a null `external_id`. */
export const optionalCustomerExternalIdJoin = (customerId: string, alias: string) =>
  `LEFT JOIN ${lateralCustomer(customerId, alias)}`;
