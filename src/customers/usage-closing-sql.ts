/**
 * The customers module's write contract for closing billed usage, composed
 * into invoicing's FINALIZE statement: numbering invoices and closing the
 * usage they bill must commit together, in the statement that takes the
 * numbers. Only this module names its table. Metering refuses events before
 * `subscriptions.usage_closed_before` when every subscription running then is
 * closed (usage-retention-sql.ts reads the same bound).
 */

/**
 * A data-modifying statement for a `WITH` item: moves the usage bound of the
 * subscription `subscriptionId` forward to `closedBefore` (SQL expressions over
 * the relation `source`, one row per subscription; a null bound closes
 * nothing, and the bound never moves back). `customerIds`, an SQL uuid[]
 * expression, holds the subscriptions' customers (their nodes on Citus).
 * Returns `id`, once per subscription closed.
 */
export const closeSubscriptionUsage = (
  source: string,
  subscriptionId: string,
  closedBefore: string,
  customerIds: string,
) =>
  `UPDATE subscriptions s SET usage_closed_before = greatest(s.usage_closed_before, ${closedBefore})
    FROM ${source} WHERE s.id = ${subscriptionId} AND s.customer_id = ANY(${customerIds})
      AND ${closedBefore} IS NOT NULL
    RETURNING s.id`;
