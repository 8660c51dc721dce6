import { AppConfig } from '../config/app-config';
import { createDataSource } from '../database/data-source';
import { runPendingMigrations } from '../database/migrate';

/** `npm run migration:run`: applies pending migrations to the configured database and exits. */
async function main(): Promise<void> {
  const config = AppConfig.fromEnvironment();
  const dataSource = createDataSource(config.database);
  await dataSource.initialize();
  try {
    const applied = await runPendingMigrations(dataSource, config.database.kind === 'pglite');
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'no pending migrations');
  } finally {
    await dataSource.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
