/**
 * The catalog's read contract for metering's usage statements, which
 * aggregate each meter its own way (metering's meter-aggregation.ts) in the
 * statement that reads the rollups: invoice totals for a billing-run chunk or
 * an upcoming invoice, the usage report, daily series. Composed into that
 * statement, so a batch costs no extra round trip. Only the catalog names its
 * tables; callers read `<alias>.key` and `<alias>.aggregation`.
 */

/** `JOIN LATERAL` of the meter `meterId` (an SQL expression) as `alias`, with its `key` and `aggregation`. */
export const usageMeterJoin = (meterId: string, alias: string) =>
  `JOIN LATERAL (SELECT meter.key, meter.aggregation FROM meters meter WHERE meter.id = ${meterId}) ${alias} ON true`;
