import { mkdirSync } from 'node:fs';
import { types } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { PGliteDriver } from 'typeorm-pglite';
import { DatabaseConfig } from '../config/app-config';
import { migrations } from '../../migrations';

// Counts come back as bigint; every count we read fits in a double. Amounts are
// `numeric` and stay strings, to be read into Decimal by the repositories.
types.setTypeParser(types.builtins.INT8, (text) => Number(text));

/**
 * The connection pool of each process. A connection idle for a minute is
 * closed (pg's default is 10 s): a replica that paused for a few seconds
 * would otherwise open all its connections again at once, each a new
 * PostgreSQL backend with cold caches and no prepared statements, and its
 * first checks after the pause waited hundreds of milliseconds for them.
 */
const POOL = { max: 20, idleTimeoutMillis: 60_000 };

export function dataSourceOptions(config: DatabaseConfig): DataSourceOptions {
  const common = {
    type: 'postgres' as const,
    migrations,
    migrationsTableName: 'schema_migrations',
    synchronize: false,
    entities: [],
  };
  if (config.kind === 'postgres') {
    return { ...common, url: config.url, extra: POOL };
  }
  mkdirSync(config.dataDir, { recursive: true });
  return { ...common, driver: pgliteDriver(config.dataDir) };
}

/**
 * typeorm-pglite hands its one pool to every query runner as the connection,
 * and each runner adds an "error" listener to it for as long as it holds it
 * (removed on release). Many runners at once (parallel requests, the demo's
 * load) are normal, not a leak, so the pool lifts Node's cap of 10 listeners,
 * whose MaxListenersExceededWarning would otherwise flood the demo's output.
 */
function pgliteDriver(dataDir: string) {
  const { driver } = new PGliteDriver({ dataDir });
  return class extends driver {
    static override Pool = class extends driver.Pool {
      constructor() {
        super();
        this.setMaxListeners(0);
      }
    };
  };
}

export function createDataSource(config: DatabaseConfig): DataSource {
  return new DataSource(dataSourceOptions(config));
}
