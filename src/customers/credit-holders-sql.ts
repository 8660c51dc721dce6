/**
 * The customers module's read contract for the CRM sync's credit balances
 * (invoicing's AccountCreditBalances), which sort out in one statement the
 * customers that cannot hold credit: composed into it, with the other owners'
 * fragments (credit lots, versions that grant credit). Only this module names
 * its tables.
 */

/** The customers among `customerIds` (an SQL `uuid[]`) that have a currency, as a subquery of `id`. */
export const customersWithCurrencyAmong = (customerIds: string) =>
  `(SELECT customer.id FROM customers customer
    WHERE customer.id = ANY(${customerIds}) AND customer.currency IS NOT NULL)`;

/**
 * True when the customer `customerId` has a subscription not ended at `at`
 * (SQL expressions) on a plan version among `versionIds` (a subquery of
 * version ids) at some point: its own version or a plan change's, a superset
 * of `plan_version_at` at any instant of its life.
 */
export const currentSubscriptionOnAnyOf = (customerId: string, at: string, versionIds: string) =>
  `EXISTS (SELECT 1 FROM subscriptions s
           WHERE s.customer_id = ${customerId} AND (s.end_date IS NULL OR s.end_date > ${at})
             AND (s.plan_version_id IN ${versionIds}
                  OR EXISTS (SELECT 1 FROM subscription_plan_changes pc
                             WHERE pc.subscription_id = s.id AND pc.plan_version_id IN ${versionIds})))`;
