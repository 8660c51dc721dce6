/**
 * Analytics over a large ledger: 100 000 customers × 24 months of revenue,
 * generated in SQL into revenue_months on a real PostgreSQL (its triggers
 * maintaining customer-month MRR as they would on any write, so generation
 * time includes that), then the retention, cohort, MRR-movement (raw and
 * smoothed) and expansion endpoints timed through HTTP on loopback
 * (the real app, authenticated, JSON parsed by the client), with the app
 * process's peak memory while they run.
 *
 *   npm run bench:analytics        (BENCH_CUSTOMERS, BENCH_REPETITIONS to resize)
 *
 * Writes bench/results/analytics.json.
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
import { Client } from 'pg';

const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 100_000);
const MONTHS = 24;
const FIRST_MONTH = '2024-07';
const LAST_MONTH = '2026-06';
const REPETITIONS = Number(process.env.BENCH_REPETITIONS ?? 5);
const TARGET_MS = 1_000;
const MB = 1024 * 1024;

/**
 * Every customer has a row for each of the 24 months (zero before signup and
 * after churn): signups spread over the first 18 months, a third churn after
 * 3–20 months, revenue 50–1000 a month growing 3 % a month with ±20 % noise
 * (usage is spiky), and one month in 20 a zero "pause". Seeded: same data every run.
 */
async function generateLedger(db: Client): Promise<void> {
  await db.query(
    `INSERT INTO customers (external_id, name)
     SELECT 'bench_' || g, 'Bench customer ' || g FROM generate_series(1, $1::int) g`,
    [CUSTOMERS],
  );
  await db.query('SELECT setseed(0.42)');
  await db.query(
    `INSERT INTO revenue_months (customer_id, month, source, currency, original_amount, amount)
     SELECT c.id, (date '${FIRST_MONTH}-01' + make_interval(months => k))::date, 'import', 'USD', a.amount, a.amount
     FROM (
       SELECT id, floor(random() * 18)::int AS signup,
              CASE WHEN random() < 0.33 THEN 3 + floor(random() * 18)::int ELSE 1000 END AS lifetime,
              50 + random() * 950 AS base
       FROM customers
     ) c
     CROSS JOIN generate_series(0, ${MONTHS - 1}) k
     CROSS JOIN LATERAL (
       SELECT CASE
         WHEN k < c.signup OR k >= c.signup + c.lifetime OR random() < 0.05 THEN 0
         ELSE round((c.base * (1 + 0.03 * (k - c.signup)) * (0.8 + random() * 0.4))::numeric, 2)
       END AS amount
     ) a`,
  );
  await db.query('VACUUM ANALYZE revenue_months, customer_month_mrr, customer_first_month');
  await db.query('ANALYZE customers');
}

async function get(baseUrl: string, path: string): Promise<unknown> {
  const response = await fetch(`${baseUrl}${path}`, {
    headers: { authorization: `Bearer ${BENCH_ADMIN_KEY}` },
  });
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

interface Timing {
  path: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  runsMs: number[];
  /** The app process (same process as this script's client) while this endpoint ran. */
  peakRssMb: number;
  peakHeapUsedMb: number;
  underTarget: boolean;
}

/** One warm-up call, then REPETITIONS timed calls; memory sampled every 10 ms meanwhile. */
async function timeEndpoint(baseUrl: string, path: string): Promise<Timing> {
  await get(baseUrl, path);
  let peakRss = 0;
  let peakHeap = 0;
  const sample = () => {
    const { rss, heapUsed } = process.memoryUsage();
    peakRss = Math.max(peakRss, rss);
    peakHeap = Math.max(peakHeap, heapUsed);
  };
  const timer = setInterval(sample, 10);
  const runsMs: number[] = [];
  try {
    for (let i = 0; i < REPETITIONS; i++) {
      sample();
      const started = process.hrtime.bigint();
      await get(baseUrl, path);
      runsMs.push(Number(process.hrtime.bigint() - started) / 1e6);
      sample();
    }
  } finally {
    clearInterval(timer);
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  const medianMs = round(sorted[Math.floor(sorted.length / 2)], 1);
  return {
    path,
    medianMs,
    minMs: round(sorted[0], 1),
    maxMs: round(sorted[sorted.length - 1], 1),
    runsMs: runsMs.map((ms) => round(ms, 1)),
    peakRssMb: round(peakRss / MB, 1),
    peakHeapUsedMb: round(peakHeap / MB, 1),
    underTarget: medianMs < TARGET_MS,
  };
}

async function main(): Promise<void> {
  const loadAtStart = currentLoad();
  const postgres = await startPostgres();
  const { app, baseUrl } = await startBenchApp(postgres.url);
  const db = new Client({ connectionString: postgres.url });
  await db.connect();
  try {
    const generationStarted = Date.now();
    await generateLedger(db);
    const generationSeconds = round((Date.now() - generationStarted) / 1000, 1);
    const ledgerRows = Number(
      (await db.query<{ n: string }>('SELECT count(*) AS n FROM revenue_months')).rows[0].n,
    );
    const serverVersion = (await db.query<{ server_version: string }>('SHOW server_version'))
      .rows[0].server_version;
    const rssBeforeMb = round(process.memoryUsage().rss / MB, 1);
    const endpoints = [
      `/v1/analytics/retention?month=${LAST_MONTH}`,
      `/v1/analytics/cohorts?from=${FIRST_MONTH}&to=${LAST_MONTH}`,
      `/v1/analytics/mrr-movements?from=${FIRST_MONTH}&to=${LAST_MONTH}`,
      `/v1/analytics/mrr-movements?from=${FIRST_MONTH}&to=${LAST_MONTH}&smoothing=trailing3`,
      `/v1/analytics/expansion?from=${FIRST_MONTH}&to=${LAST_MONTH}`,
    ];
    const timings: Timing[] = [];
    for (const path of endpoints) {
      timings.push(await timeEndpoint(baseUrl, path));
      console.log(JSON.stringify(timings[timings.length - 1]));
    }
    const result = {
      benchmark: 'analytics',
      machine: {
        cpus: cpus().length,
        cpuModel: cpus()[0]?.model,
        node: process.version,
        postgres: serverVersion,
        loadAverageAtStart: loadAtStart,
        loadAverageAtEnd: loadavg().map((load) => round(load, 2)),
      },
      data: { customers: CUSTOMERS, months: MONTHS, ledgerRows, generationSeconds },
      method:
        'HTTP GET on loopback through the real app (auth, validation, SQL, JSON); one warm-up call, ' +
        `median of ${REPETITIONS} calls; memory is the app process's RSS and heap sampled every 10 ms`,
      targetMs: TARGET_MS,
      rssBeforeMb,
      timings,
    };
    writeResult('analytics', result);
  } finally {
    await db.end();
    await app.close();
    await postgres.stop();
  }
}

runBench(main);
