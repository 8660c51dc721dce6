/**
 * The customers module's read contract for SQL that pages over running
 * subscriptions together with another module's tables (the credit grant
 * job's keyset pages), composed into the caller's statement. Only this module
 * names its tables; the caller reads the columns listed below.
 */

/**
 * The subscriptions running at `at` (an SQL expression: start ≤ at < end), as
 * a subquery to alias: `id`, `customer_id`, `plan_version_id` (the version in
 * force at `at`: the latest plan change effective by then, else the
 * subscription's own) and the subscription's calendar columns of
 * SCHEDULE_COLUMNS (`start_date`, `end_date`, `billing_cadence_unit`,
 * `billing_cadence_count`, `billing_anchor_day`).
 */
export const subscriptionsRunningAt = (at: string) =>
  `(SELECT s.id, s.customer_id, plan_version_at(s.id, ${at}) AS plan_version_id,
           s.start_date, s.end_date, s.billing_cadence_unit, s.billing_cadence_count, s.billing_anchor_day
    FROM subscriptions s
    WHERE s.start_date <= ${at} AND (s.end_date IS NULL OR s.end_date > ${at}))`;
