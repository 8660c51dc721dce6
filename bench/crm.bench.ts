/**
 * CRM sync under the providers' rate limits: usage properties for 10 000
 * companies, queued as `crm` outbox rows and delivered by the real outbox
 * worker through the real adapter and official client, against each HTTP
 * emulator with its rate limit on (HubSpot: 100 requests per rolling 10 s,
 * its private-app limit; Salesforce: 25 requests per 10 s, a window chosen
 * here since Salesforce publishes only a daily limit, paced client-side by
 * SALESFORCE_RATE_LIMIT). Starts its own PostgreSQL and the app.
 *
 *   npm run bench:crm        (BENCH_COMPANIES to resize)
 *
 * Writes bench/results/crm.json.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { currentLoad, machine, round, runBench, writeResult } from './harness';
import { Client } from 'pg';
import { createApp } from '../src/app.factory';
import { AppConfig } from '../src/config/app-config';
import { CrmProviderName } from '../src/crm/crm-provider';
import { DealOutcomesReader } from '../src/crm/deal-outcomes-reader.service';
import { OutboxWorker } from '../src/outbox/outbox-worker.service';
import { startHubSpotEmulator } from '../test/emulators/hubspot';
import { startSalesforceEmulator } from '../test/emulators/salesforce';
import { startPostgres } from './postgres';

const COMPANIES = Number(process.env.BENCH_COMPANIES ?? 10_000);
const DEALS = Number(process.env.BENCH_DEALS ?? 10_000);

/** What the run needs of an emulator, whichever it is. */
interface Target {
  env: Record<string, string>;
  limit: { requests: number; windowMs: number };
  /** Records a batch call takes: the calls-per-record target is its inverse. */
  recordsPerCall: number;
  addAccount(externalId: string): string;
  /** A deal/opportunity of ours (key `${uuid}:usage_limit`), as sales left it. */
  addDeal(n: number): void;
  /** Requests received so far and how many were refused for the rate limit (HubSpot 429, Salesforce 403). */
  counts(): { requests: number; rateLimited: number };
  close(): Promise<void>;
}

async function hubspot(): Promise<Target> {
  const hs = await startHubSpotEmulator(); // provisioned, 100 requests / 10 s
  return {
    env: {
      CRM_PROVIDER: 'hubspot',
      HUBSPOT_BASE_URL: hs.url,
      HUBSPOT_ACCESS_TOKEN: hs.accessToken,
    },
    limit: { requests: 100, windowMs: 10_000 },
    recordsPerCall: 100,
    addAccount: (externalId) =>
      hs.addCompany({ name: externalId, domain: `${externalId}.example` }),
    addDeal: (n) =>
      hs.addDeal({
        usage_external_key: `${randomUUID()}:usage_limit`,
        dealname: `Deal ${n}`,
        amount: '1200',
        dealstage: n % 3 === 0 ? 'closedwon' : 'appointmentscheduled',
        hs_is_closed_won: String(n % 3 === 0),
        hs_is_closed: String(n % 3 === 0),
      }),
    counts: () => ({
      requests: hs.requests.length,
      rateLimited: hs.requests.filter((r) => r.status === 429).length,
    }),
    close: () => hs.close(),
  };
}

async function salesforce(): Promise<Target> {
  const sf = await startSalesforceEmulator();
  sf.setRateLimit({ requests: 25, windowMs: 10_000 });
  return {
    env: {
      CRM_PROVIDER: 'salesforce',
      SALESFORCE_INSTANCE_URL: sf.url,
      SALESFORCE_ACCESS_TOKEN: sf.accessToken,
      SALESFORCE_RATE_LIMIT: '25/10s',
    },
    limit: { requests: 25, windowMs: 10_000 },
    recordsPerCall: 200,
    addAccount: (externalId) =>
      sf.insert('Account', { Name: externalId, Usage_External_Id__c: externalId }),
    addDeal: (n) => {
      sf.insert('Opportunity', {
        Usage_External_Key__c: `${randomUUID()}:usage_limit`,
        Name: `Deal ${n}`,
        StageName: n % 3 === 0 ? 'Closed Won' : 'Prospecting',
        IsWon: n % 3 === 0,
        IsClosed: n % 3 === 0,
        CloseDate: '2026-12-31',
        Amount: 1200,
      });
    },
    counts: () => ({
      requests: sf.requests.length,
      rateLimited: sf.requests.filter((r) => r.status === 403).length,
    }),
    close: () => sf.close(),
  };
}

/** Customers with the company/account id stored (the steady state: no lookups) and one properties row each. */
async function seed(db: Client, provider: CrmProviderName, target: Target): Promise<void> {
  const field = provider === 'hubspot' ? 'hubspotCompanyId' : 'salesforceAccountId';
  const ids = Array.from({ length: COMPANIES }, (_, n) =>
    target.addAccount(`crm-${provider}-${n}`),
  );
  await db.query(
    `INSERT INTO customers (external_id, name, currency, crm)
     SELECT 'crm-' || $1 || '-' || (n - 1), 'Company ' || n, 'USD', jsonb_build_object($2::text, account_id)
     FROM unnest($3::text[]) WITH ORDINALITY AS t(account_id, n)`,
    [provider, field, ids],
  );
  await db.query(
    `INSERT INTO outbox_messages (channel, dedupe_key, payload, next_attempt_at, created_at)
     SELECT 'crm', 'bench:' || c.id, jsonb_build_object(
       'kind', 'account_properties', 'customerId', c.id,
       'properties', jsonb_build_object('currentUsage', '840', 'usageLimit', '1000',
         'percentOfLimit', '84', 'projectedBill', '1849.00', 'lastAlert', 'usage_threshold 80 % (tokens)',
         'lastAlertAt', now()::text)), now(), now()
     FROM customers c WHERE c.external_id LIKE 'crm-' || $1 || '-%'`,
    [provider],
  );
}

async function run(postgresUrl: string, db: Client, provider: CrmProviderName) {
  const target = provider === 'hubspot' ? await hubspot() : await salesforce();
  const app = await createApp(
    AppConfig.fromEnvironment({
      DATABASE_URL: postgresUrl,
      LOG_LEVEL: 'warn',
      SCHEDULER_ENABLED: 'false',
      ...target.env,
    }),
  );
  await app.init();
  try {
    await seed(db, provider, target);
    const before = target.counts();
    const worker = app.get(OutboxWorker);
    const started = performance.now();
    const report = await worker.drain();
    const seconds = (performance.now() - started) / 1000;
    const after = target.counts();
    const calls = after.requests - before.requests;
    const { rows } = await db.query<{ status: string; count: string }>(
      `SELECT status, count(*) FROM outbox_messages WHERE channel = 'crm' AND dedupe_key LIKE 'bench:%'
         AND payload->>'customerId' IN (SELECT id::text FROM customers WHERE external_id LIKE 'crm-' || $1 || '-%')
       GROUP BY status`,
      [provider],
    );
    const windowSeconds = target.limit.windowMs / 1000;
    const perCallSeconds = seconds / calls;
    // From a fresh window: all but the last window's calls wait a whole window each.
    const freshMinimum =
      Math.max(0, Math.ceil(calls / target.limit.requests) - 1) * windowSeconds + perCallSeconds;
    // At the sustained rate (the window already in use by earlier syncs).
    const sustainedMinimum = (calls / target.limit.requests) * windowSeconds;
    return {
      provider,
      rateLimit: `${target.limit.requests} requests / ${windowSeconds} s`,
      records: COMPANIES,
      apiCalls: calls,
      callsPerRecord: round(calls / COMPANIES, 5),
      callsPerRecordTarget: round(1 / target.recordsPerCall, 5),
      wallSeconds: round(seconds, 2),
      meanSecondsPerCall: round(perCallSeconds, 3),
      minimumSeconds: {
        fromFreshWindow: round(freshMinimum, 2),
        sustained: round(sustainedMinimum, 2),
      },
      ratio: {
        toFreshWindowMinimum: round(seconds / freshMinimum, 2),
        toSustainedMinimum: round(seconds / sustainedMinimum, 2),
      },
      http429: after.rateLimited - before.rateLimited,
      drainReport: report,
      outbox: Object.fromEntries(rows.map((r) => [r.status, Number(r.count)])),
      outcomeReadBack: await readBack(app.get(DealOutcomesReader), target),
    };
  } finally {
    await app.close();
    await target.close();
  }
}

/** Deal outcomes of DEALS deals read back from scratch, then again (nothing changed). */
async function readBack(reader: DealOutcomesReader, target: Target) {
  for (let n = 0; n < DEALS; n++) target.addDeal(n);
  const before = target.counts();
  const started = performance.now();
  const read = await reader.readBack();
  const seconds = (performance.now() - started) / 1000;
  const calls = target.counts().requests - before.requests;
  const again = target.counts().requests;
  const reread = await reader.readBack();
  return {
    deals: DEALS,
    read,
    apiCalls: calls,
    callsPerDeal: round(calls / DEALS, 5),
    wallSeconds: round(seconds, 2),
    rereadAfterNoChange: { read: reread, apiCalls: target.counts().requests - again },
  };
}

async function main(): Promise<void> {
  const loadAtStart = currentLoad();
  const postgres = await startPostgres();
  const db = new Client({ connectionString: postgres.url });
  await db.connect();
  try {
    const results = [];
    for (const provider of ['hubspot', 'salesforce'] as const) {
      const result = await run(postgres.url, db, provider);
      console.log(JSON.stringify(result));
      results.push(result);
    }
    const result = {
      benchmark: 'crm',
      machine: machine(loadAtStart),
      setup: {
        companies: COMPANIES,
        what:
          'one account_properties outbox row per company (its CRM id stored), drained by OutboxWorker.drain() ' +
          'through CrmDelivery and the adapter; MRR and credit balance read at delivery',
        emulators:
          'test/emulators: HubSpot with its real private-app limit (100 / rolling 10 s); Salesforce with a ' +
          '25 / 10 s fixed window (Salesforce publishes only a daily limit), SALESFORCE_RATE_LIMIT=25/10s',
        minimumFormula:
          'fromFreshWindow = (ceil(calls / maxPerWindow) - 1) x window + one call (mean wall time per call); ' +
          'sustained = calls / maxPerWindow x window',
      },
      results,
      measuredAt: new Date().toISOString(),
    };
    writeResult('crm', result);
  } finally {
    await db.end();
    await postgres.stop();
  }
}

runBench(main);
