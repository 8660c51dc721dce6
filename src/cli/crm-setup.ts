import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { AppConfig } from '../config/app-config';
import { CrmSetupService } from '../crm/crm-setup.service';

/** Creates the CRM's custom properties and objects (idempotent) and says what it did. */
async function main(): Promise<void> {
  const config = AppConfig.fromEnvironment({ ...process.env, SCHEDULER_ENABLED: 'false' });
  const context = await NestFactory.createApplicationContext(AppModule.register(config), {
    logger: ['error'],
  });
  try {
    const report = await context.get(CrmSetupService).setup();
    for (const name of report.created) console.log(`created  ${report.provider} ${name}`);
    for (const name of report.existing) console.log(`existing ${report.provider} ${name}`);
    console.log(`${report.created.length} created, ${report.existing.length} already there`);
  } finally {
    await context.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
