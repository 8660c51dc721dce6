/**
 * Retries reorder CRM deliveries: an older message retried after a newer one
 * for the same record must not overwrite it. Found by the chaos test on three
 * replicas (replicas-crm.e2e-spec.ts), reproduced here step by step: the 80 %
 * alert's update fails, the 100 % alert's is delivered, then the 80 % one's
 * retry comes; March's invoice fails, April's is delivered, then March's
 * retry comes. Retries wait at least 50 days here, so the clock decides the
 * order.
 */
import { AlertsEvaluator } from '../../src/alerts/alerts-evaluator.service';
import { Decimal } from '../../src/common/decimal';
import { CrmSetupService } from '../../src/crm/crm-setup.service';
import { OutboxWorker } from '../../src/outbox/outbox-worker.service';
import { injectFaults } from '../emulators/faults';
import {
  createCustomer,
  createPlanWithVersion,
  createScalePlan,
  createSubscription,
  PricedPlan,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { CrmHarness, startCrmHarness } from './crm-harness';

interface AlertBody {
  id: string;
  level: string;
  details: { recommendation?: { incrementalAnnualRevenue: string } };
}

describe.each(['hubspot', 'salesforce'] as const)('CRM retries out of order with %s', (target) => {
  let crm: CrmHarness;
  let t: TestApp;
  let worker: OutboxWorker;
  let starter: PricedPlan;
  let eventSequence = 0;

  beforeAll(async () => {
    crm = await startCrmHarness(target);
    t = await startTestApp({
      env: { ...crm.env, OUTBOX_RETRY_BASE_DELAY: '100d', OUTBOX_RETRY_MAX_DELAY: '100d' },
      now: '2026-03-20T12:00:00Z',
    });
    worker = t.app.get(OutboxWorker);
    await t.app.get(CrmSetupService).setup();
    starter = await createPlanWithVersion(t);
    await createScalePlan(t, starter);
  });

  afterAll(async () => {
    await t?.close();
    await crm?.close();
  });

  async function use(customer: string, value: string, timestamp: string) {
    const response = await t.admin.post('/v1/events', {
      events: [
        {
          id: `evt_reordered_${target}_${++eventSequence}`,
          customerExternalId: customer,
          meter: starter.meter.key,
          timestamp,
          value,
        },
      ],
    });
    expect(response.body.accepted).toBe(1);
    await t.app.get(AlertsEvaluator).flush();
  }

  /** A drain during which every CRM call answers 5xx: each message waits for its retry. */
  async function drainFailing() {
    const faults = injectFaults(crm.httpServer, {
      vendor: crm.provider,
      seed: 1,
      rate: 1,
      kinds: ['5xx'],
      stallMs: 0,
    });
    try {
      expect((await worker.drain()).retrying).toBeGreaterThan(0);
    } finally {
      faults.stop();
    }
  }

  it('keeps the newer alert figures and the latest invoice total', async () => {
    const customer = `crm_reordered_${target}`;
    const domain = `crm-reordered-${target}.example`;
    const accountId = crm.addAccount({ externalId: customer, domain });
    await createCustomer(t, { externalId: customer, crm: { domain } });
    await createSubscription(t, { customerExternalId: customer, plan: starter.plan.key });

    await use(customer, '840', '2026-03-19T09:00:00Z');
    await drainFailing();
    await use(customer, '200', '2026-03-20T09:00:00Z');
    expect((await worker.drain()).dead).toBe(0);
    expect(new Decimal(crm.percentOfLimit(accountId) ?? 'NaN').toFixed(2)).toBe('104.00');

    t.clock.set('2026-04-01T02:00:00Z');
    expect((await t.admin.post('/v1/billing-runs', {})).status).toBe(200);
    await drainFailing();
    t.clock.set('2026-04-15T12:00:00Z');
    await use(customer, '300', '2026-04-10T09:00:00Z');
    t.clock.set('2026-05-01T02:00:00Z');
    expect((await t.admin.post('/v1/billing-runs', {})).status).toBe(200);
    expect((await worker.drain()).dead).toBe(0);

    // Every retry is due: the 80 % alert's and March's invoice's come after the newer ones.
    t.clock.set('2026-08-01T00:00:00Z');
    expect((await worker.drain()).dead).toBe(0);
    const pending = await t.admin.get('/v1/crm/outbox?status=pending');
    expect(pending.body.data).toEqual([]);

    const alerts = (
      await t.admin.get(`/v1/alerts?customerExternalId=${customer}&rule=usage_threshold`)
    ).body.data as AlertBody[];
    const latest = alerts.find((alert) => alert.level === '100')!;
    expect(new Decimal(crm.percentOfLimit(accountId) ?? 'NaN').toFixed(2)).toBe('104.00');
    const [deal] = crm.deals().filter((d) => d.accountId === accountId);
    expect(deal.amount.toFixed(2)).toBe(
      new Decimal(latest.details.recommendation!.incrementalAnnualRevenue).toFixed(2),
    );
    expect(crm.tasks().filter((task) => task.accountId === accountId)).toHaveLength(2);

    const invoices = (await t.admin.get(`/v1/invoices?customerExternalId=${customer}`)).body
      .data as Array<{ number: string; total: string; periodStart: string }>;
    expect(invoices).toHaveLength(2);
    const april = invoices.find((invoice) => invoice.periodStart.startsWith('2026-04'))!;
    expect(
      new Decimal(crm.accountProperty(accountId, 'lastInvoiceTotal') ?? 'NaN').toFixed(2),
    ).toBe(new Decimal(april.total).toFixed(2));
    expect(
      crm
        .invoices()
        .filter((invoice) => invoice.accountId === accountId)
        .map((invoice) => invoice.number)
        .sort(),
    ).toEqual(invoices.map((invoice) => invoice.number).sort());
  }, 120_000);
});
