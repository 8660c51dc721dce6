/**
 * The customers module's read contract for billing's SQL, which reads
 * subscriptions with their customer, plan changes and licences in one piece
 * (a billing run's keyset batches, which also ask invoicing's tables whether a
 * subscription is invoiced up to its end; a preview's subscription): composed
 * into invoicing's statements, so a batch stays one query. Only this module
 * names its tables.
 */

/**
 * The subscriptions, as `s`, each with its customer, as `c`: filter and order
 * by `s.` columns (`id`, `customer_id`, `start_date`, `end_date`).
 */
export const BILLING_SUBSCRIPTIONS = `subscriptions s JOIN customers c ON c.id = s.customer_id`;

/**
 * What billing reads of each row of BILLING_SUBSCRIPTIONS: `id`, `customer_id`,
 * `customer_external_id`, `currency`, `tax_rate` (the customer's, as text),
 * `start_date`, `end_date`, `billing_cadence_unit`, `billing_cadence_count`,
 * `billing_anchor_day`, `plan_version_id` (the subscription's own),
 * `plan_changes` (a JSON array of `{plan_version_id, effective_at, mid_period}`
 * by effective date) and `licences` (a JSON array of `{billable_item_id,
 * quantity, effective_at}`, `effective_at` null for the initial quantities).
 */
export const BILLING_SUBSCRIPTION_COLUMNS = `
  s.id, s.customer_id, c.external_id AS customer_external_id, s.currency, c.tax_rate::text AS tax_rate,
         s.start_date, s.end_date, s.billing_cadence_unit, s.billing_cadence_count, s.billing_anchor_day,
         s.plan_version_id,
         COALESCE((SELECT json_agg(json_build_object('plan_version_id', pc.plan_version_id,
                                                     'effective_at', pc.effective_at,
                                                     'mid_period', pc.mid_period) ORDER BY pc.effective_at)
                   FROM subscription_plan_changes pc
                   WHERE pc.customer_id = s.customer_id AND pc.subscription_id = s.id), '[]') AS plan_changes,
         COALESCE((SELECT json_agg(json_build_object('billable_item_id', l.billable_item_id,
                                                     'quantity', l.quantity::text,
                                                     'effective_at', NULLIF(l.effective_at, '-infinity')))
                   FROM subscription_licences l
                   WHERE l.customer_id = s.customer_id AND l.subscription_id = s.id), '[]') AS licences`;
