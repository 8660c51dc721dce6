/**
 * Billing run cost against event volume: one billing run over the same number
 * of subscriptions with 1 M and 10 M events in the billed month, each size on
 * its own fresh PostgreSQL in its own child process (so peak memory is that
 * run's own), plus the upcoming-invoice latency through HTTP. Each size is
 * billed once per process count (1, then 2 replicas sharing the run), each
 * time on its own copy of the loaded database.
 *
 *   npm run bench:billing    (BENCH_EVENTS=1000000,10000000  BENCH_SUBSCRIPTIONS=10000
 *                             BENCH_PROCESSES=1,2  BENCH_UPCOMING_CALLS=200 to resize)
 *
 * Writes bench/results/billing.json.
 */
import 'reflect-metadata';
import { fork } from 'node:child_process';
import { BENCH_ADMIN_KEY, machine, round, writeResult } from './harness';
import { ownCpuMs, postgresCpuMs } from './cpu-time';
import { startPostgres } from './postgres';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { ManualClock } from '../src/common/clock';
import { AppConfig } from '../src/config/app-config';
import { BillingRunService } from '../src/invoicing/billing-run.service';
import { loadEventsAndRollups, LoadTimings, monthsBefore } from './billing-data';

const EVENT_SIZES = (process.env.BENCH_EVENTS ?? '1000000,10000000').split(',').map(Number);
const SUBSCRIPTIONS = Number(process.env.BENCH_SUBSCRIPTIONS ?? 10_000);
const UPCOMING_CALLS = Number(process.env.BENCH_UPCOMING_CALLS ?? 200);
const PROCESS_COUNTS = (process.env.BENCH_PROCESSES ?? '1,2').split(',').map(Number);
const HOUR_MS = 3_600_000;

/** One billing run shared by `processes` replicas, each a process of its own. */
export interface ProcessesRun {
  processes: number;
  invoices: number;
  failures: number;
  /** From the moment every replica is told to start until the last one answers. */
  seconds: number;
  invoicesPerSecond: number;
  /**
   * CPU per invoice during the run: the replicas' Node processes and the
   * PostgreSQL server's. Unlike seconds, it barely moves with other work on the
   * machine, so it is what compares two builds measured on a busy machine.
   */
  cpuMsPerInvoice: { app: number; postgres: number; total: number };
  /** Per replica: invoices it created, its CPU, and RSS and heap peaks sampled every 25 ms during its run. */
  replicas: Array<{
    invoices: number;
    runCpuMs: number;
    runPeakRssMb: number;
    runPeakHeapUsedMb: number;
  }>;
}

/** What one child process measured for one event count. */
export interface RunResult {
  events: number;
  subscriptions: number;
  /** The first process count's run (1 process by default): what the 10 M / 1 M ratio compares. */
  invoices: number;
  failures: number;
  seconds: number;
  invoicesPerSecond: number;
  byProcesses: ProcessesRun[];
  /** RSS high-water of the child process (setup and HTTP calls): process.resourceUsage().maxRSS. */
  maxRssMb: number;
  rollupRows: number;
  uniqueValueRows: number;
  setupSeconds: LoadTimings & { catalogAndSubscriptions: number };
  upcomingInvoice: { calls: number; medianMs: number; p95Ms: number; maxMs: number };
}

/**
 * The real AppModule with a clock the bench sets: the upcoming invoice is timed
 * at the end of the billed month (its fullest state), and the run just after it.
 */
async function startApp(url: string, clock: ManualClock): Promise<INestApplication> {
  const config = AppConfig.fromEnvironment({
    DATABASE_URL: url,
    ADMIN_API_KEY: BENCH_ADMIN_KEY,
    LOG_LEVEL: 'warn',
    // timed jobs (credit grants, alerts, outbox) would compete for the CPU being measured
    SCHEDULER_ENABLED: 'false',
  });
  const app = await createApp(config, clock);
  await app.listen(0, '127.0.0.1');
  return app;
}

async function api(baseUrl: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_ADMIN_KEY}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json: unknown = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * The catalog through the API, so it is validated as a customer's would be:
 * three meters with dimensions, a plan pricing tokens of one model graduated,
 * of another per unit with a minimum spend, API calls per unit with a maximum,
 * a seat licence, a monthly credit grant on API calls that rolls over, a
 * commitment of 150.00 a month across the usage rates (true-up), and prepaid
 * token blocks on offer.
 */
async function createCatalog(baseUrl: string): Promise<void> {
  const meters = [
    { key: 'llm_tokens', aggregation: 'sum', dimensions: ['model', 'region'] },
    { key: 'api_calls', aggregation: 'count', dimensions: ['endpoint'] },
    { key: 'active_users', aggregation: 'unique_count', dimensions: ['region'] },
  ];
  for (const meter of meters) await api(baseUrl, '/v1/meters', { ...meter, name: meter.key });
  const items = [
    { key: 'tokens_gpt4o', kind: 'metered', meter: 'llm_tokens', filter: { model: 'gpt-4o' } },
    { key: 'tokens_mini', kind: 'metered', meter: 'llm_tokens', filter: { model: 'gpt-4o-mini' } },
    { key: 'calls', kind: 'metered', meter: 'api_calls', filter: {} },
    { key: 'seats', kind: 'licensed' },
  ];
  for (const item of items) await api(baseUrl, '/v1/billable-items', { ...item, name: item.key });
  await api(baseUrl, '/v1/plans', { key: 'scale', name: 'Scale', currency: 'USD' });
  await api(baseUrl, '/v1/plans/scale/versions', {
    live: true,
    serviceInterval: { unit: 'month', count: 1 },
    rates: [
      {
        billableItem: 'tokens_gpt4o',
        rate: {
          model: 'graduated',
          tiers: [
            { upTo: '50000', unitAmount: '0.00003', flatAmount: '1.00' },
            { upTo: null, unitAmount: '0.000015' },
          ],
        },
      },
      {
        billableItem: 'tokens_mini',
        rate: { model: 'per_unit', unitAmount: '0.0000025', minimumAmount: '5.00' },
      },
      {
        billableItem: 'calls',
        rate: { model: 'per_unit', unitAmount: '0.002', maximumAmount: '400.00' },
      },
    ],
    licenceFees: [{ billableItem: 'seats', unitAmount: '49.00' }],
    creditGrants: [
      {
        name: 'Included calls',
        amount: '0.50',
        appliesTo: ['calls'],
        rollover: { maximumAmount: '0.50' },
      },
    ],
    limits: [],
    commitment: { amount: '150.00' },
    // offered, not bought: every invoice still reads the customer's block lots
    prepaidBlocks: [
      {
        billableItem: 'tokens_gpt4o',
        tiers: [
          { units: '1000000', price: '10.00' },
          { units: '10000000', price: '80.00' },
        ],
      },
    ],
  });
}

/**
 * Customers and subscriptions in SQL (10 000 API calls would dominate setup),
 * with the columns the API would write: monthly from the start of the billed
 * month, billed on that day, 1-5 seats, every fifth customer taxed at 20 %.
 */
async function createSubscriptions(db: Client, monthStart: Date): Promise<void> {
  await db.query(
    `INSERT INTO customers (external_id, name, email, tax_rate)
     SELECT 'customer-' || n, 'Customer ' || n, 'billing@customer-' || n || '.example',
            CASE WHEN n % 5 = 0 THEN 0.2 ELSE 0 END
     FROM generate_series(1, $1) AS n`,
    [SUBSCRIPTIONS],
  );
  // Each with its id's claim, as the API writes them: the upcoming invoice finds its customer through it.
  await db.query(
    `WITH created AS (
       INSERT INTO subscriptions (customer_id, plan_version_id, start_date, billing_cadence_unit,
                                  billing_cadence_count, billing_anchor_day, currency)
       SELECT c.id, v.id, $1, 'month', 1, NULL, p.currency
       FROM customers c, plan_versions v JOIN plans p ON p.id = v.plan_id
       RETURNING id, customer_id
     )
     INSERT INTO global_keys (key, kind, customer_id)
     SELECT id::text, 'subscription_id', customer_id FROM created`,
    [monthStart.toISOString()],
  );
  await db.query(
    `INSERT INTO subscription_licences (customer_id, subscription_id, billable_item_id, quantity)
     SELECT s.customer_id, s.id, (SELECT id FROM billable_items WHERE key = 'seats'), 1 + abs(hashtext(s.id::text)) % 5
     FROM subscriptions s`,
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface PreviewLines {
  lines: Array<{ kind: string; amount: string }>;
}

/** Timing previews without usage would measure nothing: each needs usage, licence and credit lines. */
function assertPricedFromUsage(body: unknown): void {
  const kinds = new Set(
    (body as PreviewLines).lines
      .filter((line) => Number(line.amount) !== 0)
      .map((line) => line.kind),
  );
  for (const kind of ['usage', 'licence_fee', 'credit']) {
    if (!kinds.has(kind))
      throw new Error(`upcoming invoice without ${kind} lines: ${JSON.stringify(body)}`);
  }
}

/** Sequential GETs of random subscriptions' upcoming invoices on loopback, after a short warm-up. */
async function timeUpcomingInvoices(
  baseUrl: string,
  subscriptionIds: string[],
): Promise<RunResult['upcomingInvoice']> {
  const pick = () => subscriptionIds[Math.floor(Math.random() * subscriptionIds.length)];
  const call = (id: string) => api(baseUrl, `/v1/subscriptions/${id}/upcoming-invoice`);
  for (let i = 0; i < 10; i++) assertPricedFromUsage(await call(pick()));
  const times: number[] = [];
  for (let i = 0; i < UPCOMING_CALLS; i++) {
    const started = process.hrtime.bigint();
    await call(pick());
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return {
    calls: UPCOMING_CALLS,
    medianMs: round(percentile(times, 50), 1),
    p95Ms: round(percentile(times, 95), 1),
    maxMs: round(times[times.length - 1], 1),
  };
}

const MB = 1024 * 1024;

/** Samples RSS and heap while `work` runs: the run's own peak, apart from setup's. */
async function withMemoryPeaks<T>(
  work: () => Promise<T>,
): Promise<{ value: T; peakRss: number; peakHeap: number }> {
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    peakHeap = Math.max(peakHeap, heapUsed);
  };
  sample();
  const timer = setInterval(sample, 25);
  try {
    const value = await work();
    sample();
    return { value, peakRss, peakHeap };
  } finally {
    clearInterval(timer);
  }
}

async function count(db: Client, table: string): Promise<number> {
  return Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
}

/** A replica: the real AppModule on `url`, its clock at `runAt`; bills when told to and answers what it did. */
async function runWorker(url: string, runAt: Date): Promise<void> {
  const app = await startApp(url, new ManualClock(runAt));
  const billing = app.get(BillingRunService);
  await new Promise<void>((resolvePromise) => {
    process.once('message', () => resolvePromise());
    process.send?.('ready');
  });
  global.gc?.();
  const cpuAtStart = ownCpuMs();
  const { value: run, peakRss, peakHeap } = await withMemoryPeaks(() => billing.run());
  const runCpuMs = ownCpuMs() - cpuAtStart;
  await app.close();
  const answer: WorkerResult = {
    invoices: run.invoicesCreated,
    failures: run.failures.length,
    runCpuMs: round(runCpuMs, 0),
    runPeakRssMb: round(peakRss / MB, 1),
    runPeakHeapUsedMb: round(peakHeap / MB, 1),
  };
  process.send?.(answer, () => process.exit(0));
}

interface WorkerResult {
  invoices: number;
  failures: number;
  runCpuMs: number;
  runPeakRssMb: number;
  runPeakHeapUsedMb: number;
}

/** `count` replicas on `url`, started and ready before any bills, then given the same run at once. */
async function runReplicas(url: string, runAt: Date, count: number): Promise<ProcessesRun> {
  const workers = Array.from({ length: count }, () =>
    fork(__filename, ['--worker', url, runAt.toISOString()], {
      execArgv: [...process.execArgv, '--expose-gc'],
    }),
  );
  await Promise.all(
    workers.map(
      (worker) =>
        new Promise<void>((resolvePromise, reject) => {
          worker.once('message', () => resolvePromise());
          worker.once('exit', (code) =>
            reject(new Error(`replica exited ${code} before starting`)),
          );
        }),
    ),
  );
  const answers = workers.map(
    (worker) =>
      new Promise<WorkerResult>((resolvePromise, reject) => {
        worker.removeAllListeners('exit');
        worker.once('message', (message) => resolvePromise(message as WorkerResult));
        worker.once('exit', (code) => reject(new Error(`replica exited ${code} without a result`)));
      }),
  );
  const postgresPort = Number(new URL(url).port);
  const postgresCpuAtStart = postgresCpuMs(postgresPort);
  const started = Date.now();
  for (const worker of workers) worker.send('go');
  const replicas = await Promise.all(answers);
  const seconds = (Date.now() - started) / 1000;
  const postgresCpu = postgresCpuMs(postgresPort) - postgresCpuAtStart;
  const invoices = replicas.reduce((sum, replica) => sum + replica.invoices, 0);
  const appCpu = replicas.reduce((sum, replica) => sum + replica.runCpuMs, 0);
  return {
    processes: count,
    invoices,
    failures: replicas.reduce((sum, replica) => sum + replica.failures, 0),
    seconds: round(seconds, 2),
    invoicesPerSecond: round(invoices / seconds, 1),
    cpuMsPerInvoice: {
      app: round(appCpu / invoices, 3),
      postgres: round(postgresCpu / invoices, 3),
      total: round((appCpu + postgresCpu) / invoices, 3),
    },
    replicas: replicas.map(({ invoices: created, runCpuMs, runPeakRssMb, runPeakHeapUsedMb }) => ({
      invoices: created,
      runCpuMs,
      runPeakRssMb,
      runPeakHeapUsedMb,
    })),
  };
}

/** A copy of the loaded database for one run (nothing may be connected to the source). */
async function copyDatabase(sourceUrl: string, name: string): Promise<string> {
  const source = new URL(sourceUrl);
  const admin = new Client({
    connectionString: Object.assign(new URL(sourceUrl), { pathname: '/template1' }).href,
  });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${source.pathname.slice(1)}`);
  } finally {
    await admin.end();
  }
  return Object.assign(new URL(sourceUrl), { pathname: `/${name}` }).href;
}

/** One size, in this (child) process: set up, time the upcoming invoice, then bill a copy per process count. */
async function runSize(events: number): Promise<RunResult> {
  const billedMonth = monthsBefore(new Date(), 1);
  const postgres = await startPostgres();
  // Just before the billed month ends: its upcoming invoice holds all of its usage.
  const clock = new ManualClock(new Date(billedMonth.end.getTime() - HOUR_MS / 2));
  const app = await startApp(postgres.url, clock);
  const server = app.getHttpServer() as Server;
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const db = new Client({ connectionString: postgres.url });
  await db.connect();
  let setupOpen = true;
  const closeSetup = async () => {
    if (!setupOpen) return;
    setupOpen = false;
    await db.end();
    await app.close();
  };
  try {
    const started = Date.now();
    await createCatalog(baseUrl);
    await createSubscriptions(db, billedMonth.start);
    const catalogAndSubscriptions = (Date.now() - started) / 1000;
    const load = await loadEventsAndRollups(db, events, billedMonth, (line) =>
      console.log(`[${events}] ${line}`),
    );
    const ids = (await db.query<{ id: string }>('SELECT id FROM subscriptions')).rows.map(
      (row) => row.id,
    );
    const upcomingInvoice = await timeUpcomingInvoices(baseUrl, ids);
    console.log(`[${events}] upcoming invoice ${JSON.stringify(upcomingInvoice)}`);
    const rollupRows = await count(db, 'usage_hourly_rollups');
    const uniqueValueRows = await count(db, 'usage_hourly_unique_values');
    // CREATE DATABASE … TEMPLATE needs the source without connections
    await closeSetup();

    // The run happens an hour after the month ends (the default grace period is shorter).
    const runAt = new Date(billedMonth.end.getTime() + HOUR_MS);
    const byProcesses: ProcessesRun[] = [];
    for (const processes of PROCESS_COUNTS) {
      const url = await copyDatabase(postgres.url, `billing_${processes}_processes`);
      const run = await runReplicas(url, runAt, processes);
      console.log(`[${events}] billing run on ${processes} process(es): ${JSON.stringify(run)}`);
      byProcesses.push(run);
    }
    const [first] = byProcesses;
    return {
      events,
      subscriptions: SUBSCRIPTIONS,
      invoices: first.invoices,
      failures: first.failures,
      seconds: first.seconds,
      invoicesPerSecond: first.invoicesPerSecond,
      byProcesses,
      maxRssMb: round(process.resourceUsage().maxRSS / 1024, 1),
      rollupRows,
      uniqueValueRows,
      setupSeconds: { catalogAndSubscriptions: round(catalogAndSubscriptions, 1), ...load },
      upcomingInvoice,
    };
  } finally {
    await closeSetup();
    await postgres.stop();
  }
}

/** Runs one size in a fresh child process, so its RSS high-water is its own. */
function runChild(events: number): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(__filename, ['--child', String(events)], {
      execArgv: [...process.execArgv, '--expose-gc'],
    });
    let result: RunResult | null = null;
    child.on('message', (message) => (result = message as RunResult));
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolvePromise(result) : reject(new Error(`run of ${events} events exited ${code}`)),
    );
  });
}

async function main(): Promise<void> {
  const loadAtStart = loadavg().map((value) => round(value, 2));
  const runs: RunResult[] = [];
  for (const events of EVENT_SIZES) runs.push(await runChild(events));
  const first = runs[0];
  const last = runs[runs.length - 1];
  const result = {
    benchmark: 'billing',
    machine: machine(loadAtStart),
    runs,
    // time of the largest run over the smallest (first process count): the target is ≤ 1.2 for 10 M over 1 M
    ratio: round(last.seconds / first.seconds, 2),
    invoicesPerSecondByProcesses: runs.map((run) => ({
      events: run.events,
      ...Object.fromEntries(run.byProcesses.map((p) => [p.processes, p.invoicesPerSecond])),
    })),
    upcomingInvoice: { events: last.events, ...last.upcomingInvoice },
    notes: NOTES,
    measuredAt: new Date().toISOString(),
  };
  writeResult('billing', result);
  console.log(JSON.stringify(result, null, 2));
}

const NOTES = [
  'Each size runs in its own child process on its own fresh embedded PostgreSQL (fsync=off, synchronous_commit=off), so no run can reuse another one’s invoices and maxRssMb is that process’s own high-water.',
  'Billing run: BillingRunService.run() on the real AppModule (the code behind POST /v1/billing-runs, without the HTTP hop), one hour after the billed month ends, in 1 and then 2 replica processes (BENCH_PROCESSES) given the same run at once, each count on its own copy (CREATE DATABASE … TEMPLATE) of the loaded database; seconds is from the start signal until the last replica answers, replicas started and connected before it.',
  'Catalog through the API: 3 meters with dimensions; graduated, per-unit with a minimum spend and per-unit with a maximum rates; a seat licence fee; a monthly credit grant that rolls over; a 150.00 monthly commitment (true-up); prepaid token blocks on offer (every invoice reads the block lots). Customers, monthly subscriptions and licences by SQL.',
  'Events by SQL: one INSERT … SELECT generate_series into the billed month’s partition (70% llm_tokens sum by model/region, 20% api_calls count by endpoint, 10% active_users unique_count by region; uniformly random customer and second), then usage_event_ids, usage_hourly_rollups (GROUP BY with ingestion’s aggregates), usage_monthly_rollups of every hour but the month’s last (sealed as the job would have left it when the upcoming invoice is timed; the run’s own seal folds the last hour) and usage_hourly_unique_values from them; the two event indexes are dropped during the load and rebuilt after it (same definitions), then ANALYZE.',
  'Upcoming invoice: sequential GET /v1/subscriptions/{id}/upcoming-invoice over HTTP on 127.0.0.1 for random subscriptions, with the clock 30 minutes before the billed month ends (the whole month’s usage in the open period), after 10 warm-up calls.',
  '2 cores shared with other engineers’ test runs: wall times are noisy; see loadAverage.',
];

if (process.argv[2] === '--worker') {
  runWorker(process.argv[3], new Date(process.argv[4])).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else if (process.argv[2] === '--child') {
  runSize(Number(process.argv[3]))
    .then((result) => {
      // exit only once the result has reached the parent
      process.send?.(result, () => process.exit(0));
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
