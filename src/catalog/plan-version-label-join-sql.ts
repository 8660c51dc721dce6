/**
 * The catalog's read contract for SQL that holds plan version ids (a
 * subscription's, a plan change's) and shows them as the API names them:
 * composed into the caller's statement, so reading a subscription stays one
 * query (the upcoming invoice reads one per preview). Only the catalog names
 * its tables; callers read `<alias>.plan_key` and `<alias>.version`.
 */

/** `JOIN LATERAL` of the version `versionId` (an SQL expression) as `alias`, with its plan's key and its number. */
export const planVersionLabelJoin = (versionId: string, alias: string) =>
  `JOIN LATERAL (SELECT p.key AS plan_key, v.version
                 FROM plan_versions v JOIN plans p ON p.id = v.plan_id
                 WHERE v.id = ${versionId}) ${alias} ON true`;
