import { mkdirSync } from 'node:fs';
import { types } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { DatabaseConfig } from '../config/app-config';
import { migrations } from '../../migrations';

// Counts come back as bigint; every count we read fits in a double. Amounts are
// `numeric` and stay strings, to be read into Decimal by the repositories.
types.setTypeParser(types.builtins.INT8, (text) => Number(text));

export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    entities: [],
  };
  if (config.kind === 'postgres') {
    return { ...common, url: config.url, extra: { max: 20 } };
  }
  mkdirSync(config.dataDir, { recursive: true });
  return { ...common, driver: new PGliteDriver({ dataDir: config.dataDir }).driver };
}

export function createDataSource(config: DatabaseConfig): DataSource {
  return new DataSource(dataSourceOptions(config));
}
