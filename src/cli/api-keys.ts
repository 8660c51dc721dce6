import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { parseArgs } from 'node:util';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { ApiKeysService } from '../auth/api-keys.service';
import { SCOPES, Scope } from '../auth/scopes';

const USAGE = `usage:
  npm run api-keys -- create --name <name> --scope <${SCOPES.join('|')}>
  npm run api-keys -- list
  npm run api-keys -- revoke <id>`;

/** Creates, lists and revokes API keys against the configured database. */
async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { name: { type: 'string' }, scope: { type: 'string' } },
  });
  const [command, id] = positionals;
  const config = AppConfig.fromEnvironment();
  const context = await NestFactory.createApplicationContext(AppModule.register(config), {
    logger: ['error'],
  });
  try {
    const apiKeys = context.get(ApiKeysService);
    if (command === 'create' && values.name && SCOPES.includes(values.scope as Scope)) {
      const created = await apiKeys.create(values.name, values.scope as Scope);
      console.log(
        `created ${created.scope} key '${created.name}' (${created.id}); it will not be shown again:`,
      );
      console.log(created.key);
    } else if (command === 'list') {
      for (const key of await apiKeys.list()) {
        const state = key.revokedAt ? `revoked ${key.revokedAt.toISOString()}` : 'active';
        console.log(`${key.id}  ${key.scope.padEnd(6)}  ${key.keyPrefix}…  ${state}  ${key.name}`);
      }
    } else if (command === 'revoke' && id) {
      await apiKeys.revoke(id);
      console.log(`revoked ${id}`);
    } else {
      console.error(USAGE);
      process.exitCode = 2;
    }
  } finally {
    await context.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
