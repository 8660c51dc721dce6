/**
 * Billing runs on real service processes against one PostgreSQL: three
 * replicas given the same run at once, a process killed with SIGKILL in the
 * middle of a run, and one stopped with SIGTERM. Each database is seeded with
 * the same customers and usage, and each outcome is compared with a run in
 * one process.
 */
import { Client } from 'pg';
import {
  customerBody,
  meterBody,
  meteredItemBody,
  licensedItemBody,
  planBody,
  planVersionBody,
} from '../support/factories';
import { ServiceProcess, startService, stopService, waitFor } from '../support/service-process';
import { removeServiceBuild } from '../support/service-build';
import { createTestDatabase, startTestApp, TestApp } from '../support/test-app';

const SUBSCRIPTIONS = 40;

/** Three whole months before the current one, billed up to a minute ago. */
const now = new Date();
const START = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 3, 1));
const AS_OF = new Date(now.getTime() - 60_000).toISOString();
const PERIODS = 3;

interface InvoiceRow {
  customer: string;
  period_start: string;
  status: string;
  number: string | null;
  total: string;
}

/** The same catalog, customers, subscriptions and usage in every database. */
async function seed(databaseUrl: string): Promise<void> {
  const t: TestApp = await startTestApp({ databaseUrl, now: now.toISOString() });
  try {
    const ok = async (pending: Promise<{ status: number; body: unknown }>) => {
      const response = await pending;
      if (response.status >= 300) throw new Error(JSON.stringify(response.body));
    };
    await ok(t.admin.post('/v1/meters', meterBody({ key: 'tokens' })));
    await ok(t.admin.post('/v1/billable-items', meteredItemBody('tokens', { key: 'token_usage' })));
    await ok(t.admin.post('/v1/billable-items', licensedItemBody({ key: 'seat' })));
    await ok(t.admin.post('/v1/plans', planBody({ key: 'pro' })));
    await ok(
      t.admin.post(
        '/v1/plans/pro/versions',
        planVersionBody({ meteredItem: 'token_usage', licensedItem: 'seat', meter: 'tokens' }),
      ),
    );
    const events = [];
    for (let i = 0; i < SUBSCRIPTIONS; i += 1) {
      const externalId = `customer_${i}`;
      await ok(t.admin.post('/v1/customers', customerBody({ externalId })));
      await ok(
        t.admin.post('/v1/subscriptions', {
          customerExternalId: externalId,
          plan: 'pro',
          startDate: START.toISOString(),
        }),
      );
      for (let month = 0; month < PERIODS; month += 1) {
        const at = new Date(Date.UTC(START.getUTCFullYear(), START.getUTCMonth() + month, 10));
        events.push({
          id: `usage_${i}_${month}`,
          customerExternalId: externalId,
          meter: 'tokens',
          timestamp: at.toISOString(),
          value: String(100 + i * 7 + month * 13),
        });
      }
    }
    await ok(t.admin.post('/v1/events', { events }));
  } finally {
    await t.close();
  }
}

async function invoicesOf(databaseUrl: string): Promise<InvoiceRow[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<InvoiceRow>(
      `SELECT c.external_id AS customer, i.period_start::text, i.status, i.number, i.total::text
         FROM invoices i JOIN customers c ON c.id = i.customer_id
        ORDER BY c.external_id, i.period_start`,
    );
    return rows;
  } finally {
    await db.end();
  }
}

/** What must not depend on how many processes billed: which invoices, and their totals. */
function outcome(rows: InvoiceRow[]) {
  return rows.map(({ customer, period_start, status, total }) => ({
    customer,
    period_start,
    status,
    total,
  }));
}

function expectGaplessNumbers(rows: InvoiceRow[]): void {
  const numbers = rows
    .map((row) => Number(/(\d+)$/.exec(row.number ?? '')?.[1]))
    .sort((a, b) => a - b);
  expect(numbers).toEqual(Array.from({ length: rows.length }, (_, i) => i + 1));
}

describe('billing on several processes', () => {
  let reference: InvoiceRow[];
  const started: ServiceProcess[] = [];

  // Chunks of 2 subscriptions: a run of 40 spans many transactions, so a signal lands mid-run.
  const replica = async (databaseUrl: string, chunkSize = '2') => {
    const service = await startService({
      DATABASE_URL: databaseUrl,
      SCHEDULER_ENABLED: 'false',
      BILLING_CHUNK_SIZE: chunkSize,
    });
    started.push(service);
    return service;
  };

  beforeAll(async () => {
    const databaseUrl = await createTestDatabase();
    await seed(databaseUrl);
    // the reference in one chunk: the chunked runs below must give the same invoices
    const single = await replica(databaseUrl, '100');
    const run = await single.call('POST', '/v1/billing-runs', { asOf: AS_OF });
    expect(run.status).toBe(200);
    await stopService(single);
    reference = await invoicesOf(databaseUrl);
  }, 300_000);
  afterAll(async () => {
    await Promise.all(started.map(stopService));
    removeServiceBuild();
  });

  it('bills every subscription once in one process, as the reference', () => {
    expect(reference).toHaveLength(SUBSCRIPTIONS * PERIODS);
    expect(reference.every((row) => row.status === 'finalized')).toBe(true);
    expectGaplessNumbers(reference);
  });

  it('three replicas given the same run invoice each period once, numbered without gaps', async () => {
    const databaseUrl = await createTestDatabase();
    await seed(databaseUrl);
    const replicas = await Promise.all([1, 2, 3].map(() => replica(databaseUrl)));
    const runs = await Promise.all(
      replicas.map((service) => service.call('POST', '/v1/billing-runs', { asOf: AS_OF })),
    );
    expect(runs.map((run) => run.status)).toEqual([200, 200, 200]);
    const created = runs.reduce((sum, run) => sum + (run.body.invoicesCreated as number), 0);
    expect(created).toBe(SUBSCRIPTIONS * PERIODS);
    expect(runs.flatMap((run) => run.body.failures)).toEqual([]);

    const rows = await invoicesOf(databaseUrl);
    expect(outcome(rows)).toEqual(outcome(reference));
    expectGaplessNumbers(rows);
    await Promise.all(replicas.map(stopService));
  }, 300_000);

  it('a process killed mid-run leaves no draft, and a rerun after restart gives the same invoices', async () => {
    const databaseUrl = await createTestDatabase();
    await seed(databaseUrl);
    const doomed = await replica(databaseUrl);
    const run = doomed.call('POST', '/v1/billing-runs', { asOf: AS_OF }).catch(() => null);
    await waitFor(async () => (await invoicesOf(databaseUrl)).length > 0);
    doomed.child.kill('SIGKILL');
    expect(await doomed.exited).toBe('SIGKILL');
    await run;

    const partial = await invoicesOf(databaseUrl);
    expect(partial.length).toBeLessThan(SUBSCRIPTIONS * PERIODS);
    expect(partial.filter((row) => row.status === 'draft')).toEqual([]);

    const restarted = await replica(databaseUrl);
    const rerun = await restarted.call('POST', '/v1/billing-runs', { asOf: AS_OF });
    expect(rerun.status).toBe(200);
    const rows = await invoicesOf(databaseUrl);
    expect(outcome(rows)).toEqual(outcome(reference));
    expectGaplessNumbers(rows);
    await stopService(restarted);
  }, 300_000);

  it('SIGTERM mid-run: stops claiming, answers the run it holds, exits 0; a rerun completes it', async () => {
    const databaseUrl = await createTestDatabase();
    await seed(databaseUrl);
    const stopping = await replica(databaseUrl);
    const run = stopping.call('POST', '/v1/billing-runs', { asOf: AS_OF });
    await waitFor(async () => (await invoicesOf(databaseUrl)).length > 0);
    stopping.child.kill('SIGTERM');
    const answered = await run;
    expect(answered.status).toBe(200);
    // Nest closes the application, then ends the process with the signal it received.
    expect([0, 'SIGTERM']).toContain(await stopping.exited);

    const partial = await invoicesOf(databaseUrl);
    expect(partial.length).toBe(answered.body.invoicesCreated);
    expect(partial.filter((row) => row.status === 'draft')).toEqual([]);

    const next = await replica(databaseUrl);
    const ready = await fetch(`${next.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect((await next.call('POST', '/v1/billing-runs', { asOf: AS_OF })).status).toBe(200);
    expect(outcome(await invoicesOf(databaseUrl))).toEqual(outcome(reference));
    await stopService(next);
  }, 300_000);
});
