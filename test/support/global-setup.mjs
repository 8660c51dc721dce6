// Jest global setup for e2e tests: use TEST_DATABASE_URL when given, otherwise
// start a real PostgreSQL server for the run. Each test file then creates its
// own database on it (see test/support/database.ts).
import { startPostgres } from './postgres-server.mjs';

export default async function globalSetup() {
  if (process.env.TEST_DATABASE_URL) return;
  const server = await startPostgres();
  process.env.TEST_DATABASE_URL = server.url;
  globalThis.__embeddedPostgres = server;
}
