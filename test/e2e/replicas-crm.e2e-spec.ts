/**
 * The CRM having a bad day under three replicas: half of all calls answer 429
 * (with Retry-After), 5xx, drop the connection before or after the CRM
 * applied them, or stall past the client's timeout. The replicas take usage
 * that crosses 80 % and then 100 % of the limit and run the same billing run
 * at once, while their outbox workers deliver; in the end every task, deal
 * and invoice is in the CRM exactly once, each figure is the latest one, and
 * no message is dead.
 */
import { Client } from 'pg';
import { Decimal } from '../../src/common/decimal';
import { CrmSetupService } from '../../src/crm/crm-setup.service';
import { FaultInjection, injectFaults } from '../emulators/faults';
import {
  createCustomer,
  createPlanWithVersion,
  createScalePlan,
  createSubscription,
} from '../support/factories';
import { removeServiceBuild } from '../support/service-build';
import { ServiceProcess, startService, stopService, waitFor } from '../support/service-process';
import { createTestDatabase, startTestApp } from '../support/test-app';
import { CrmHarness, startCrmHarness } from './crm-harness';

const CUSTOMERS = 6;
const now = new Date();
/** Two whole months billed before the current one. */
const START = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 2, 1));
const monthAfterStart = (months: number, day: number) =>
  new Date(Date.UTC(START.getUTCFullYear(), START.getUTCMonth() + months, day)).toISOString();
const AS_OF = new Date(now.getTime() - 60_000).toISOString();

interface Seeded {
  databaseUrl: string;
  meter: string;
  /** Customer external id → the company/account the CRM holds for them. */
  accounts: Map<string, string>;
}

/** The catalog, customers (each with a CRM account) and their past usage, in one process. */
async function seed(crm: CrmHarness): Promise<Seeded> {
  const databaseUrl = await createTestDatabase();
  const t = await startTestApp({ databaseUrl, now: now.toISOString(), env: crm.env });
  try {
    await t.app.get(CrmSetupService).setup();
    const starter = await createPlanWithVersion(t);
    // The plan sales should propose: a recommendation, so each alert also moves a deal.
    await createScalePlan(t, starter);
    const accounts = new Map<string, string>();
    const events = [];
    for (let i = 0; i < CUSTOMERS; i += 1) {
      const externalId = `crm_chaos_${crm.provider}_${i}`;
      const domain = `${externalId.replace(/_/g, '-')}.example`;
      accounts.set(externalId, crm.addAccount({ externalId, domain }));
      await createCustomer(t, { externalId, crm: { domain } });
      await createSubscription(t, {
        customerExternalId: externalId,
        plan: starter.plan.key,
        startDate: START.toISOString(),
      });
      // Different usage each month, so each invoice has its own total.
      for (const [month, value] of [
        [0, '100'],
        [1, '300'],
      ] as const) {
        events.push({
          id: `seed_${externalId}_${month}`,
          customerExternalId: externalId,
          meter: starter.meter.key,
          timestamp: monthAfterStart(month, 10),
          value,
        });
      }
    }
    const ingested = await t.admin.post('/v1/events', { events });
    expect(ingested.body.accepted).toBe(events.length);
    return { databaseUrl, meter: starter.meter.key, accounts };
  } finally {
    await t.close();
  }
}

async function query<T>(databaseUrl: string, sql: string): Promise<T[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return (await db.query(sql)).rows as T[];
  } finally {
    await db.end();
  }
}

interface AlertBody {
  id: string;
  level: string;
  details: { recommendation?: { incrementalAnnualRevenue: string } };
}

describe.each(['hubspot', 'salesforce'] as const)(
  'CRM delivery on three replicas, %s failing half of all calls',
  (target) => {
    let crm: CrmHarness;
    let faults: FaultInjection | undefined;
    const replicas: ServiceProcess[] = [];

    afterAll(async () => {
      await Promise.all(replicas.map(stopService));
      faults?.stop();
      await crm?.close();
    });

    it('delivers every task, deal and invoice exactly once, with the latest figures', async () => {
      crm = await startCrmHarness(target);
      const { databaseUrl, meter, accounts } = await seed(crm);
      // The client gives up after 1 s (harness CRM_REQUEST_TIMEOUT): a stall outlasts it.
      faults = injectFaults(crm.httpServer, { vendor: crm.provider, seed: 13, stallMs: 1500 });
      const env = {
        ...crm.env,
        DATABASE_URL: databaseUrl,
        SCHEDULER_ENABLED: 'true',
        // Short waits and a budget that half of all calls failing cannot exhaust.
        OUTBOX_RETRY_BASE_DELAY: '200ms',
        OUTBOX_RETRY_MAX_DELAY: '2s',
        OUTBOX_MAX_ATTEMPTS: '200',
      };
      replicas.push(...(await Promise.all([1, 2, 3].map(() => startService(env)))));

      const customers = [...accounts.keys()];
      const alertsOf = async (customer: string): Promise<AlertBody[]> => {
        const { body } = await replicas[0].call(
          'GET',
          `/v1/alerts?customerExternalId=${customer}&rule=usage_threshold`,
        );
        return (body.data as AlertBody[]).sort((a, b) => Number(a.level) - Number(b.level));
      };
      const use = async (replica: ServiceProcess, customer: string, value: string, ago: number) => {
        const response = await replica.call('POST', '/v1/events', {
          events: [
            {
              id: `use_${customer}_${value}`,
              customerExternalId: customer,
              meter,
              timestamp: new Date(now.getTime() - ago).toISOString(),
              value,
            },
          ],
        });
        expect(response.body.accepted).toBe(1);
      };
      // Past 80 % on one replica, then past 100 % on the next: two alerts a customer.
      const billing = Promise.all(
        replicas.map((replica) => replica.call('POST', '/v1/billing-runs', { asOf: AS_OF })),
      );
      await Promise.all(
        customers.map(async (customer, i) => {
          await use(replicas[i % 3], customer, '840', 120_000);
          await waitFor(async () => (await alertsOf(customer)).length === 1, 60_000, 200);
          await use(replicas[(i + 1) % 3], customer, '200', 60_000);
          await waitFor(async () => (await alertsOf(customer)).length === 2, 60_000, 200);
        }),
      );
      for (const run of await billing) expect(run.status).toBe(200);

      await waitFor(
        async () => {
          const [{ pending }] = await query<{ pending: number }>(
            databaseUrl,
            `SELECT count(*)::int AS pending FROM outbox_messages
            WHERE channel = 'crm' AND status = 'pending'`,
          );
          return pending === 0;
        },
        240_000,
        500,
      );
      faults.stop();

      const counts = faults.counts();
      for (const kind of ['429', '5xx', 'drop', 'lost', 'stall'] as const)
        expect(counts[kind]).toBeGreaterThan(0);
      const statuses = await query<{ status: string; last_error: string | null }>(
        databaseUrl,
        `SELECT status, last_error FROM outbox_messages WHERE channel = 'crm' AND status = 'dead'`,
      );
      expect(statuses).toEqual([]);

      const alerts = new Map(
        await Promise.all(customers.map(async (c) => [c, await alertsOf(c)] as const)),
      );
      const tasks = crm.tasks().map((task) => task.key);
      expect(tasks.sort()).toEqual(
        [...alerts.values()].flatMap((list) => list.map((alert) => `alert:${alert.id}`)).sort(),
      );

      const invoices = await query<{ customer: string; number: string; total: string }>(
        databaseUrl,
        `SELECT c.external_id AS customer, i.number, i.total::text AS total
         FROM invoices i JOIN customers c ON c.id = i.customer_id
        WHERE i.number IS NOT NULL ORDER BY i.period_start`,
      );
      expect(invoices).toHaveLength(CUSTOMERS * 2);
      expect(
        crm
          .invoices()
          .map((invoice) => invoice.number)
          .sort(),
      ).toEqual(invoices.map((invoice) => invoice.number).sort());

      const deals = crm.deals();
      expect(deals.map((deal) => deal.accountId).sort()).toEqual([...accounts.values()].sort());
      for (const [customer, accountId] of accounts) {
        const latest = alerts.get(customer)![1];
        const deal = deals.find((d) => d.accountId === accountId)!;
        // The 100 % alert's figures, not the 80 % one's delivered after it.
        expect(deal.amount.toFixed(2)).toBe(
          new Decimal(latest.details.recommendation!.incrementalAnnualRevenue).toFixed(2),
        );
        expect(new Decimal(crm.percentOfLimit(accountId) ?? 'NaN').toFixed(2)).toBe('104.00');
        const lastInvoice = invoices.filter((invoice) => invoice.customer === customer).at(-1)!;
        expect(
          new Decimal(crm.accountProperty(accountId, 'lastInvoiceTotal') ?? 'NaN').toFixed(2),
        ).toBe(new Decimal(lastInvoice.total).toFixed(2));
      }
    }, 420_000);
  },
);

afterAll(() => removeServiceBuild());
