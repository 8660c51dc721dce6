import { SEALED_MONTHS_END } from './rollup-seal.repository';

/**
 * Rollup rows (aliased `r`, with `columns`) where `where` holds, over the
 * interval [from, to) split at its whole calendar months [monthsFrom,
 * monthsTo) (whole-months.ts): those months from the monthly rollups, one row
 * per meter and dimension set, as far as they are sealed
 * (rollup-seal.repository.ts); the hours before and after them from the
 * hourly ones. Each part is one index range, not even probed when empty (a
 * calendar month has no edge hours). Both tables have the same columns but
 * their period: `where` must not name it. Arguments are SQL expressions.
 */
export function rollupRowsWithin(
  columns: string,
  where: string,
  from: string,
  monthsFrom: string,
  monthsTo: string,
  to: string,
): string {
  const part = (table: string, period: string, start: string, end: string) => `
    SELECT ${columns} FROM ${table} r
    WHERE ${start} < ${end} AND r.${period} >= ${start} AND r.${period} < ${end} AND ${where}`;
  const sealedTo = `greatest(${monthsFrom}, least(${monthsTo}, ${SEALED_MONTHS_END}))`;
  return [
    part('usage_hourly_rollups', 'hour_start', from, monthsFrom),
    part('usage_monthly_rollups', 'month_start', monthsFrom, sealedTo),
    part('usage_hourly_rollups', 'hour_start', sealedTo, to),
  ].join(' UNION ALL ');
}
