import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface PostgresServer {
  url: string;
  stop(): Promise<void>;
}

/** The package is ESM-only and this file compiles to CommonJS, whose `import()` would become `require()`. */
const importEsm = new Function('specifier', 'return import(specifier)') as (
  specifier: string,
) => Promise<unknown>;

/** A throw-away PostgreSQL server, the one the tests start (test/support/postgres-server.mjs). */
export async function startPostgres(): Promise<PostgresServer> {
  const module = (await importEsm(
    pathToFileURL(resolve(__dirname, '../../test/support/postgres-server.mjs')).href,
  )) as { startPostgres(): Promise<PostgresServer> };
  return module.startPostgres();
}
