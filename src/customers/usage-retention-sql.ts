/**
 * The customers module's read contract for the event retention job's
 * statements (metering), which keep the events a subscription may still
 * invoice: composed into them, as the set-based delete of expired events needs
 * the rule per event. Only this module names its tables. A subscription's
 * usage is closed before `subscriptions.usage_closed_before`, which issued
 * invoices move forward.
 */

/**
 * The customers with a subscription running during [from, to) (SQL
 * expressions) whose usage is not closed up to `to` or the subscription's end,
 * as a subquery to alias: `customer_id`, once per such subscription.
 */
export const customersWithOpenUsageDuring = (from: string, to: string) =>
  `(SELECT s.customer_id FROM subscriptions s
    WHERE s.start_date < ${to} AND (s.end_date IS NULL OR s.end_date > ${from})
      AND (s.usage_closed_before IS NULL OR s.usage_closed_before < least(${to}, s.end_date)))`;

/**
 * True when a subscription of the customer `customerId` runs at `at` (SQL
 * expressions) and its usage is not closed by then: usage at `at` is still
 * to be invoiced.
 */
export const usageOpenAt = (customerId: string, at: string) =>
  `EXISTS (SELECT FROM subscriptions s
           WHERE s.customer_id = ${customerId} AND s.start_date <= ${at}
             AND (s.end_date IS NULL OR s.end_date > ${at})
             AND (s.usage_closed_before IS NULL OR s.usage_closed_before <= ${at}))`;
