/**
 * One replica of the service for bench:entitlements, in its own process (so the
 * load generator and each replica have their own event loop, as in production):
 * starts on DATABASE_URL, tells its parent its address, stops on a message.
 */
import 'reflect-metadata';
import { startBenchApp } from './harness';

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl || !process.send) throw new Error('start me with fork() and DATABASE_URL');
  const { app, baseUrl } = await startBenchApp(databaseUrl);
  process.on('message', () => {
    void app.close().then(() => process.exit(0));
  });
  process.send({ baseUrl });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
