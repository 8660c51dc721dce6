import type { Pool, QueryConfig } from 'pg';
import { DataSource } from 'typeorm';
import { Queryable } from './transaction';

/**
 * Runs `text` as the named prepared statement `name` of the pg driver: each
 * pooled connection parses and plans it once, then only binds and executes
 * it, and the call skips TypeORM's query runner (acquire, log, release). For
 * the few hot reads where that overhead is most of the cost (the entitlement
 * check). `name` must be unique per text: the driver keys the statement on
 * each connection by it.
 *
 * On a transaction's manager, or on the embedded PGlite (no pg pool), it is an
 * ordinary query with the same text and parameters.
 */
export async function preparedQuery<Row>(
  db: Queryable,
  name: string,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const pool = db instanceof DataSource ? pgPoolOf(db) : null;
  if (!pool) return db.query(text, values);
  const statement: QueryConfig = { name, text, values };
  const result = await pool.query(statement);
  return result.rows as Row[];
}

/** The pg pool behind a PostgreSQL data source, or null (PGlite brings its own driver). */
function pgPoolOf(db: DataSource): Pool | null {
  if (db.options.type !== 'postgres' || db.options.driver !== undefined) return null;
  const { master } = db.driver as unknown as { master?: Pool };
  return typeof master?.query === 'function' ? master : null;
}
