import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { configureHttp } from '../../src/app.factory';
import { AppModule } from '../../src/app.module';
import { ManualClock } from '../../src/common/clock';
import { AppConfig } from '../../src/config/app-config';

export const ADMIN_KEY = 'test-admin-key-0123456789';

/** A fresh, empty database on the test PostgreSQL server, so test files never share state. */
export async function createTestDatabase(): Promise<string> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl)
    throw new Error(
      'TEST_DATABASE_URL is not set: run the tests through jest (see jest.config.js)',
    );
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface TestApp {
  app: INestApplication;
  clock: ManualClock;
  config: AppConfig;
  databaseUrl: string;
  /** supertest against the app, authenticated with the admin key. */
  admin: {
    get(path: string): request.Test;
    post(path: string, body?: object | string): request.Test;
    put(path: string, body?: object | string): request.Test;
    patch(path: string, body?: object | string): request.Test;
    delete(path: string): request.Test;
  };
  /** supertest without any key. */
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  now?: string;
  env?: Record<string, string>;
  databaseUrl?: string;
  /** Run on embedded PGlite in a temporary folder instead of the PostgreSQL server. */
  embedded?: boolean;
}

/** The real application on a real PostgreSQL database, with a clock the test controls. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = options.embedded ? '' : (options.databaseUrl ?? (await createTestDatabase()));
  const database = options.embedded
    ? { DATA_DIR: await mkdtemp(join(tmpdir(), 'usage-pglite-')) }
    : { DATABASE_URL: databaseUrl };
  const config = AppConfig.fromEnvironment({
    ...database,
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: 'error',
    // Timed jobs would act on their own clock mid-test; tests call the services instead.
    SCHEDULER_ENABLED: 'false',
    ...options.env,
  });
  const clock = new ManualClock(options.now ?? '2026-03-15T12:00:00Z');
  const moduleRef = await Test.createTestingModule({
    imports: [AppModule.register(config, clock), DiscoveryModule],
  }).compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    logger: ['error'],
  });
  configureHttp(app);
  await app.init();
  const server = app.getHttpServer();
  const auth = (test: request.Test) => test.set('Authorization', `Bearer ${ADMIN_KEY}`);
  return {
    app,
    clock,
    config,
    databaseUrl,
    admin: {
      get: (path) => auth(request(server).get(path)),
      post: (path, body) => auth(request(server).post(path)).send(body),
      put: (path, body) => auth(request(server).put(path)).send(body),
      patch: (path, body) => auth(request(server).patch(path)).send(body),
      delete: (path) => auth(request(server).delete(path)),
    },
    http: () => request(server),
    close: () => app.close(),
  };
}
