/**
 * The customers module's read contract for invoicing's SQL, which holds
 * customer ids (an invoice's, a credit note's) and shows or filters by the
 * customer's external id: composed into the invoice and credit note listings,
 * so a page stays one query and a filter by customer can start from the
 * customer's unique external id. Only this module names its table; callers
 * read `<alias>.external_id`.
 */

/** `JOIN LATERAL` of the customer `customerId` (an SQL expression, never null) as `alias`, with its `external_id`. */
export const invoiceCustomerJoin = (customerId: string, alias: string) =>
  `JOIN LATERAL (SELECT customer.external_id FROM customers customer WHERE customer.id = ${customerId}) ${alias} ON true`;
