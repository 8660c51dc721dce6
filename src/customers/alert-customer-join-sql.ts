/**
 * The customers module's read contract for the alerts' SQL, which holds
 * customer ids (a fired alert's customer) and shows or filters by the
 * customer's external id: composed into the alert list, filtered and paged by
 * customer, so it costs no extra round trip. (The rules, read on every
 * evaluation pass, ask CustomerIdsRepository instead: they are a reference
 * table, and a join from one would go to every node on Citus.) Only this
 * module names its table; callers read `<alias>.external_id`, null when the id
 * is null.
 */

/** `LEFT JOIN LATERAL` of the customer `customerId` (an SQL expression) as `alias`, with its `external_id`. */
export const customerExternalIdJoin = (customerId: string, alias: string) =>
  `LEFT JOIN LATERAL (SELECT customer.external_id FROM customers customer WHERE customer.id = ${customerId}) ${alias} ON true`;
