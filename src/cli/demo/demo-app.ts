/**
 * The service in this process on a loopback port, with a clock the demo moves:
 * the demo speaks to it through the public HTTP API like any client would, and
 * calls the outbox worker in-process to deliver the e-mails.
 */
import { INestApplication } from '@nestjs/common';
import { AddressInfo } from 'node:net';
import { createApp } from '../../app.factory';
import { ApiKeysService } from '../../auth/api-keys.service';
import { ManualClock } from '../../common/clock';
import { AppConfig } from '../../config/app-config';

export interface DemoApp {
  app: INestApplication;
  clock: ManualClock;
  config: AppConfig;
  call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T>;
  createKey(name: string, scope: 'admin' | 'read'): Promise<string>;
}

export async function startDemoApp(start: Date): Promise<DemoApp> {
  // The demo drives time itself; the timed jobs would act on their own schedule.
  const config = AppConfig.fromEnvironment({
    ...process.env,
    SCHEDULER_ENABLED: 'false',
    LOG_LEVEL: 'warn',
  });
  const clock = new ManualClock(start);
  const app = await createApp(config, clock);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const keys = app.get(ApiKeysService);
  const admin = (await keys.create('demo', 'admin')).key;
  return {
    app,
    clock,
    config,
    async call<T>(method: 'GET' | 'POST', path: string, body?: object): Promise<T> {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { Authorization: `Bearer ${admin}`, 'Content-Type': 'application/json' },
        body: body && JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
      return JSON.parse(text) as T;
    },
    createKey: async (name, scope) => (await keys.create(name, scope)).key,
  };
}
