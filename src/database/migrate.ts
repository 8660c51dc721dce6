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

/** The names of the migrations this build knows that the database has not applied yet. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const table = dataSource.options.migrationsTableName ?? 'migrations';
  const rows = (await dataSource.query(`SELECT name FROM "${table}"`)) as Array<{ name: string }>;
  const applied = new Set(rows.map((row) => row.name));
  // TypeORM names a migration by its class, as it records it in the table.
  return dataSource.migrations
    .map((migration) => migration.name ?? migration.constructor.name)
    .filter((name) => !applied.has(name));
}
