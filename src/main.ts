import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { createApp } from './app.factory';
import { AppConfig, ConfigError } from './config/app-config';

async function bootstrap(): Promise<void> {
  const config = AppConfig.fromEnvironment();
  const app = await createApp(config);
  await app.listen(config.port);
  const where =
    config.database.kind === 'pglite'
      ? `embedded PGlite in ${config.database.dataDir}`
      : 'PostgreSQL';
  // The port actually bound: PORT=0 lets the system choose (tests start replicas that way).
  const { port } = app.getHttpServer().address() as AddressInfo;
  new Logger('Bootstrap').log(
    `listening on port ${port}, ${config.publicUrl} (database: ${where}; API docs at /docs)`,
  );
}

bootstrap().catch((error: unknown) => {
  // A bad setting is the operator's to fix: say which one, without a stack trace.
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
