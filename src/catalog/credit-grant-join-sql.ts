/**
 * The catalog's read contract for the credit ledger's SQL about plan credit
 * grants, composed into statements that need them in one piece: the grant
 * job's keyset pages, the ledger's order, and the billing run's rollover
 * sources (locked with FOR UPDATE). Only the catalog names its tables; each
 * fragment lists the columns it gives its `alias`.
 */

/**
 * `JOIN LATERAL` of the credit grants of the version `versionId` as `alias`,
 * none when it grants no credit: `currency` (its plan's),
 * `service_interval_unit`, `service_interval_count` and `grants`, a JSON array
 * in the plan's order of `{id, name, amount, applies_to, expires_after_intervals}`.
 */
export const versionCreditGrantsJoin = (versionId: string, alias: string) =>
  `JOIN LATERAL (SELECT p.currency, v.service_interval_unit, v.service_interval_count,
                        json_agg(json_build_object('id', g.id, 'name', g.name, 'amount', g.amount::text,
                                                   'applies_to', g.applies_to,
                                                   'expires_after_intervals', g.expires_after_intervals)
                                 ORDER BY g.position) AS grants
                 FROM plan_versions v
                 JOIN plans p ON p.id = v.plan_id
                 JOIN plan_version_credit_grants g ON g.plan_version_id = v.id
                 WHERE v.id = ${versionId}
                 GROUP BY p.currency, v.service_interval_unit, v.service_interval_count) ${alias} ON true`;

/** `LEFT JOIN LATERAL` of the grant `grantId` (null for a lot no grant issued) as `alias`: its `position` in its plan. */
export const creditGrantPositionJoin = (grantId: string, alias: string) =>
  `LEFT JOIN LATERAL (SELECT g.position FROM plan_version_credit_grants g WHERE g.id = ${grantId}) ${alias} ON true`;

/**
 * `JOIN LATERAL` of the grant `grantId` as `alias`, only when it rolls over:
 * `rollover_maximum_amount` and `rollover_expires_after_intervals`.
 */
export const creditGrantRolloverJoin = (grantId: string, alias: string) =>
  `JOIN LATERAL (SELECT g.rollover_maximum_amount, g.rollover_expires_after_intervals
                 FROM plan_version_credit_grants g
                 WHERE g.id = ${grantId} AND g.rollover_maximum_amount IS NOT NULL) ${alias} ON true`;

/** The ids of the plan versions that grant credit, as a subquery for `IN`. */
export const VERSIONS_WITH_CREDIT_GRANTS = `(SELECT g.plan_version_id FROM plan_version_credit_grants g)`;
