/**
 * The customers module's read contract for SQL that holds customer ids (an
 * invoice's, a credit note's, an alert's, a rule's customer scope) and shows
 * or filters by the customer's external id: composed into those modules'
 * statements (listings paged and filtered by customer, the rules read on every
 * evaluation pass), so it costs no extra round trip. Only this module names
 * its table; callers read `<alias>.external_id`.
 */

/**
 * `JOIN LATERAL` of the customer `customerId` (an SQL expression) as `alias`,
 * with its `external_id`. `optional` when the id may be null: a LEFT JOIN
 * that keeps the row, with a null `external_id`.
 */
export const customerExternalIdJoin = (customerId: string, alias: string, { optional = false } = {}) =>
  `${optional ? 'LEFT ' : ''}JOIN LATERAL (SELECT customer.external_id FROM customers customer WHERE customer.id = ${customerId}) ${alias} ON true`;
