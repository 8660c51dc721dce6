import { DataSource } from 'typeorm';
import { withAdvisoryLock } from './advisory-lock';

/**
 * Applies pending migrations. On a PostgreSQL server several replicas may start
 * together, so they queue on an advisory lock; embedded PGlite belongs to one
 * process and has a single connection, which the lock would hold hostage.
 */
export async function runPendingMigrations(
  dataSource: DataSource,
  embedded: boolean,
): Promise<string[]> {
  const run = async () =>
    (await dataSource.runMigrations({ transaction: 'each' })).map((m) => m.name);
  return embedded ? run() : withAdvisoryLock(dataSource, 'schema-migrations', run);
}
