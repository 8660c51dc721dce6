import { INestApplication } from '@nestjs/common';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { createApp } from '../src/app.factory';
import { AppConfig } from '../src/config/app-config';

/** The bootstrap admin key every benchmark's app is started with. */
export const BENCH_ADMIN_KEY = 'bench-admin-key-0123456789';

export function round(value: number, decimals: number): number {
  return Math.round(value * 10 ** decimals) / 10 ** decimals;
}

/** The nearest-rank percentile (p in 0–100); null without values. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export const median = (values: number[]) => percentile(values, 50) ?? 0;

/** Load averages say how shared the machine was, which the figures depend on. */
export function currentLoad(): number[] {
  return loadavg().map((load) => round(load, 2));
}

export function machine(loadAverageAtStart: number[]) {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    node: process.version,
    loadAverageAtStart,
    loadAverageAtEnd: currentLoad(),
  };
}

export interface BenchApp {
  app: INestApplication;
  baseUrl: string;
}

/**
 * The real service on `databaseUrl`, listening on loopback, with timed jobs off
 * (they would compete for the CPU measured); `env` adds or overrides settings.
 */
export async function startBenchApp(
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<BenchApp> {
  const app = await createApp(
    AppConfig.fromEnvironment({
      DATABASE_URL: databaseUrl,
      ADMIN_API_KEY: BENCH_ADMIN_KEY,
      LOG_LEVEL: 'warn',
      SCHEDULER_ENABLED: 'false',
      ...env,
    }),
  );
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  // Clients pause between phases; a server closing idle keep-alive sockets meanwhile races their next request.
  server.keepAliveTimeout = 10 * 60_000;
  return { app, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** Writes bench/results/<name>.json (from the compiled dist/bench/) and echoes it. */
export function writeResult(name: string, result: object): void {
  const out = resolve(__dirname, `../../bench/results/${name}.json`);
  mkdirSync(resolve(out, '..'), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  console.log(JSON.stringify(result, null, 2));
}

export function runBench(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
