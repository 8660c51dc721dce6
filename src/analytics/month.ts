/** Calendar months as the analytics API names them: "YYYY-MM" (UTC). */
export type Month = string;

/**
 * Years 1000 to 9999: a real calendar month that stays one after the few years
 * of look-back any metric takes (year 0000 is no year PostgreSQL knows).
 */
export const MONTH_PATTERN = /^([1-9]\d{3})-(0[1-9]|1[0-2])$/;

/** The month `count` months after `month` (before, when negative). */
export function addMonths(month: Month, count: number): Month {
  const [year, monthNumber] = month.split('-').map(Number);
  const index = year * 12 + (monthNumber - 1) + count;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Whole months from `from` to `to` (negative when `to` is earlier). */
export function monthsBetween(from: Month, to: Month): number {
  const [fromYear, fromMonth] = from.split('-').map(Number);
  const [toYear, toMonth] = to.split('-').map(Number);
  return (toYear - fromYear) * 12 + (toMonth - fromMonth);
}

/** Every month from `from` to `to`, both included. */
export function monthRange(from: Month, to: Month): Month[] {
  return Array.from({ length: monthsBetween(from, to) + 1 }, (_, i) => addMonths(from, i));
}

/** The first day of the month, as PostgreSQL `date` parameters take it. */
export function firstDay(month: Month): string {
  return `${month}-01`;
}
