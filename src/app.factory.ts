import { INestApplication, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { Express } from 'express';
import type { Server } from 'node:http';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppModule } from './app.module';
import { ApiKeysService } from './auth/api-keys.service';
import { Clock } from './common/clock';
import { answerClientError } from './common/http/client-error';
import { ErrorFilter } from './common/http/error.filter';
import { InputScreenInterceptor } from './common/http/input-screen.interceptor';
import { jsonBody } from './common/http/json-body';
import { AppConfig } from './config/app-config';
import { checksBeforeExpress, leanCheckRoutes } from './entitlements/lean-check-routes';
import { EntitlementsService } from './entitlements/entitlements.service';

/** Large enough for 10 000 events with dimensions; the event count limit is checked on its own. */
export const JSON_BODY_LIMIT = '32mb';

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** HTTP wiring shared by the service and the e2e tests, so tests run the app as it ships. */
export function configureHttp(app: NestExpressApplication): void {
  app.use(...jsonBody(JSON_BODY_LIMIT));
  // After the body parser (a refused body is answered as Nest's routes answer it), before Nest's router.
  const apiKeys = app.get(ApiKeysService);
  const entitlements = app.get(EntitlementsService);
  app.use(leanCheckRoutes(apiKeys, entitlements));
  // Plain entitlement checks are answered before Express's dispatch; the rest reaches Express as before.
  const server = app.getHttpServer() as Server;
  const express = app.getHttpAdapter().getInstance() as Express;
  server.removeListener('request', express);
  server.on('request', checksBeforeExpress(apiKeys, entitlements, express));
  app.useGlobalFilters(new ErrorFilter());
  app.useGlobalInterceptors(new InputScreenInterceptor());
  app.getHttpServer().on('clientError', answerClientError);
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Usage revenue service')
      .setDescription(
        'Usage metering, pricing, invoices, alerts and revenue analytics. Amounts are decimal strings.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs/openapi.json' });
}

/** The service as it ships; `clock` replaces the system clock where a caller drives time. */
export async function createApp(config: AppConfig, clock?: Clock): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, clock), {
    bodyParser: false,
    logger: LEVELS.slice(0, LEVELS.indexOf(config.logLevel) + 1),
  });
  configureHttp(app);
  return app;
}
