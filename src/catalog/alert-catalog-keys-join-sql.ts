/**
 * The catalog's read contract for the alerts' SQL, which holds meter and plan
 * ids (a rule's meter and plan scope, a fired alert's meter) and shows their
 * keys: composed into the alerts' statements, so reading the rules on every
 * evaluation pass after ingest costs no extra round trip. Only the catalog
 * names its tables; callers read `<alias>.key`, null when the id is null.
 */

/** `LEFT JOIN LATERAL` of the meter `meterId` (an SQL expression) as `alias`, with its `key`. */
export const meterKeyJoin = (meterId: string, alias: string) =>
  `LEFT JOIN LATERAL (SELECT meter.key FROM meters meter WHERE meter.id = ${meterId}) ${alias} ON true`;

/** `LEFT JOIN LATERAL` of the plan `planId` (an SQL expression) as `alias`, with its `key`. */
export const planKeyJoin = (planId: string, alias: string) =>
  `LEFT JOIN LATERAL (SELECT plan.key FROM plans plan WHERE plan.id = ${planId}) ${alias} ON true`;
