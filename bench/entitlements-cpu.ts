/**
 * CPU per entitlement check, of the service (its Node process) and of
 * PostgreSQL (every server process), apart from the client's: checks of
 * GET /v1/customers/{id}/entitlements/tokens sent back to back, a few in
 * flight, to a replica in its own process, with credit lots and usage to read.
 * What bench:entitlements's 1 000 checks/s need is this cost × 1 000 per
 * second of the 2 cores, before any latency can be right.
 *
 *   npm run bench:entitlements-cpu
 *   BENCH_BASELINE_DIST=/path/to/other/checkout/dist npm run bench:entitlements-cpu
 *
 * With BENCH_BASELINE_DIST (a build of an earlier commit: `npm run build` in
 * its checkout), that build is measured too, on its own database of the same
 * server and with the same data, in rounds alternating with this one's, so
 * the machine's drift falls on both. BENCH_CHECKS per round (default 2 000),
 * BENCH_ROUNDS (default 3). Writes bench/results/entitlements-cpu.json.
 */
import 'reflect-metadata';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { postgresCpuMs, processCpuMs } from './cpu-time';
import { apiOf, Replica, setQuotas, setUp, startReplica } from './entitlements-setup';
import { currentLoad, machine, median, round, runBench, writeResult } from './harness';
import { startPostgres } from './postgres';

const CUSTOMERS = 200;
const CHECKS = Number(process.env.BENCH_CHECKS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IN_FLIGHT = 4;
const WARM_UP_CHECKS = 1_000;
/** Credit lots per customer: what the check used to load and match item by item. */
const TOP_UPS = 3;
const BASELINE_DIST = process.env.BENCH_BASELINE_DIST;

interface Variant {
  name: string;
  replica: Replica;
  customers: string[];
  checkKey: string;
  nodeMsPerCheck: number[];
  postgresMsPerCheck: number[];
}

/** `count` checks of random customers, IN_FLIGHT at a time, each answered 200. */
async function sendChecks(variant: Variant, count: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  const url = new URL(variant.replica.baseUrl);
  const one = () =>
    new Promise<void>((done, fail) => {
      const customer = variant.customers[Math.floor(Math.random() * variant.customers.length)];
      const req = request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          path: `/v1/customers/${customer}/entitlements/tokens`,
          headers: { authorization: `Bearer ${variant.checkKey}` },
        },
        (response) => {
          response.resume();
          response.on('end', () =>
            response.statusCode === 200 ? done() : fail(new Error(`${response.statusCode}`)),
          );
        },
      );
      req.on('error', fail);
      req.end();
    });
  let sent = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (sent++ < count) await one();
    }),
  );
  agent.destroy();
}

/** A database of its own on the server, for one build (each migrates its own schema). */
async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Vacuums and analyzes what the set-up wrote, so autovacuum does not do it during the rounds. */
async function settle(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query('VACUUM ANALYZE');
  await client.end();
}

async function startVariant(name: string, server: string, serverUrl: string): Promise<Variant> {
  const databaseUrl = await createDatabase(serverUrl, name);
  const replica = await startReplica(server, databaseUrl);
  const api = apiOf(replica.baseUrl);
  const { customers, checkKey } = await setUp(api, new Date(), CUSTOMERS);
  await setQuotas(api, '1000000000');
  for (const customer of customers) {
    for (let n = 0; n < TOP_UPS; n++) {
      await api('POST', `/v1/customers/${customer}/credits`, {
        amount: `${10 + n}.50`,
        currency: 'USD',
        ...(n % 2 === 0 ? { appliesTo: ['tokens_item'] } : {}),
      });
    }
  }
  const events = customers.map((customer, n) => ({
    id: `evt_${n}`,
    customerExternalId: customer,
    meter: 'tokens',
    timestamp: new Date().toISOString(),
    value: String(n + 1),
  }));
  await api('POST', '/v1/events', { events });
  await settle(databaseUrl);
  return { name, replica, customers, checkKey, nodeMsPerCheck: [], postgresMsPerCheck: [] };
}

/** One round: CHECKS checks, the replica's and PostgreSQL's CPU time over them. */
async function measure(variant: Variant, postgresPort: number): Promise<void> {
  const nodeBefore = processCpuMs(variant.replica.pid);
  const postgresBefore = postgresCpuMs(postgresPort);
  await sendChecks(variant, CHECKS);
  variant.nodeMsPerCheck.push((processCpuMs(variant.replica.pid) - nodeBefore) / CHECKS);
  variant.postgresMsPerCheck.push((postgresCpuMs(postgresPort) - postgresBefore) / CHECKS);
  console.log(
    `${variant.name}: Node ${round(variant.nodeMsPerCheck.at(-1) ?? 0, 3)} ms, PostgreSQL ${round(variant.postgresMsPerCheck.at(-1) ?? 0, 3)} ms per check`,
  );
}

function summary(variant: Variant) {
  const node = median(variant.nodeMsPerCheck);
  const postgres = median(variant.postgresMsPerCheck);
  return {
    cpuMsPerCheck: {
      node: round(node, 3),
      postgres: round(postgres, 3),
      total: round(node + postgres, 3),
    },
    rounds: {
      node: variant.nodeMsPerCheck.map((ms) => round(ms, 3)),
      postgres: variant.postgresMsPerCheck.map((ms) => round(ms, 3)),
    },
  };
}

async function main(): Promise<void> {
  const loadAtStart = currentLoad();
  const postgres = await startPostgres();
  const postgresPort = Number(new URL(postgres.url).port);
  const variants: Variant[] = [];
  try {
    if (BASELINE_DIST) {
      const server = resolve(BASELINE_DIST, 'bench/entitlements-server.js');
      variants.push(await startVariant('baseline', server, postgres.url));
    }
    const server = resolve(__dirname, 'entitlements-server.js');
    variants.push(await startVariant('current', server, postgres.url));
    for (const variant of variants) await sendChecks(variant, WARM_UP_CHECKS);
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of variants) await measure(variant, postgresPort);
    }
    writeResult('entitlements-cpu', {
      benchmark: 'entitlements-cpu',
      machine: machine(loadAtStart),
      setup: {
        checks: `GET /v1/customers/{id}/entitlements/tokens with a 'check' key, ${CHECKS} per round back to back (${IN_FLIGHT} in flight, random customer of ${CUSTOMERS}), ${ROUNDS} rounds alternating between builds after ${WARM_UP_CHECKS} warm-up checks each; medians of the rounds`,
        data: `one plan with an hourly quota on a sum meter; per customer ${TOP_UPS} credit top-ups (every other one for the meter's item only) and an event`,
        cpu: "the replica's Node process and every PostgreSQL process (/proc), divided by the checks; the client runs in the benchmark's own process and is not counted",
        baseline: BASELINE_DIST ?? null,
      },
      ...Object.fromEntries(variants.map((variant) => [variant.name, summary(variant)])),
      measuredAt: new Date().toISOString(),
    });
  } finally {
    for (const variant of variants) await variant.replica.stop();
    await postgres.stop();
  }
}

runBench(main);
