/**
 * The meters a batch of usage events names, for ingestion to compose into its
 * reference lookup (catalog owns meters). `keys` is the placeholder of a
 * text[] parameter; each row: id, key, aggregation, dimensions (text[]).
 */
export function metersByKey(keys: string): string {
  return `SELECT id, key, aggregation, dimensions FROM meters WHERE key = ANY(${keys}::text[])`;
}
