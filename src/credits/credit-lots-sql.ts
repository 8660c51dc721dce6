/**
 * The credit ledger's read contract for SQL that holds customer ids and needs
 * to know whether a customer holds credit of any kind (the CRM sync's credit
 * balances, which skip the preview of a customer that cannot hold any):
 * composed into the caller's statement, so many customers cost one query.
 * Only this module names its tables.
 */

/** True when the customer `customerId` (an SQL expression) has a credit lot, whatever its balance. */
export const customerHasCreditLot = (customerId: string) =>
  `EXISTS (SELECT 1 FROM credit_lots l WHERE l.customer_id = ${customerId})`;
