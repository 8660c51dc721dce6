/**
 * Statements over tables distributed by customer (distribution.ts) name the
 * customers of their rows, `customer_id = ANY(…)`, even where an id alone
 * finds the row: on Citus that is what sends a statement to those customers'
 * nodes instead of every node.
 */

/** A row of such a table, with the customer it belongs to. */
export interface CustomerRow {
  id: string;
  customerId: string;
}

/** The distinct customers of rows: the parameter of a statement's `customer_id = ANY(…)`. */
export function customersOf(rows: ReadonlyArray<{ customerId: string }>): string[] {
  return [...new Set(rows.map((row) => row.customerId))];
}
