import { AlertsEvaluator } from '../../src/alerts/alerts-evaluator.service';
import { Decimal } from '../../src/common/decimal';
import { CrmSetupService } from '../../src/crm/crm-setup.service';
import { CustomerRepository } from '../../src/customers/customer.repository';
import { QuotaHitsService } from '../../src/entitlements/quota-hits.service';
import { OutboxWorker } from '../../src/outbox/outbox-worker.service';
import { SmtpEmulator } from '../emulators/smtp';
import {
  createCustomer,
  createPlanWithVersion,
  createSubscription,
  planVersionBody,
  PricedPlan,
  publishPlanVersion,
  uniqueKey,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { CrmHarness, startCrmHarness } from './crm-harness';

/** Monday 16 March 2026: the week of hourly windows the rule watches starts at 00:00. */
const MONDAY = '2026-03-16';

describe('quota_pressure', () => {
  let t: TestApp;
  let smtp: SmtpEmulator;
  let crm: CrmHarness;
  let worker: OutboxWorker;
  let evaluator: AlertsEvaluator;
  let hits: QuotaHitsService;
  /** 100 tokens an hour (hard), 49.00 a month. */
  let starter: PricedPlan;
  /** The same items, 1 000 tokens an hour, 199.00 a month: the plan that holds the peak. */
  let scale: string;
  let eventSequence = 0;

  beforeAll(async () => {
    smtp = await SmtpEmulator.start();
    crm = await startCrmHarness('hubspot');
    t = await startTestApp({ env: { ...crm.env, SMTP_URL: smtp.url }, now: `${MONDAY}T00:30:00Z` });
    await t.app.get(CrmSetupService).setup();
    worker = t.app.get(OutboxWorker);
    evaluator = t.app.get(AlertsEvaluator);
    hits = t.app.get(QuotaHitsService);
    starter = await createPlanWithVersion(t);
    const quota = (quantity: string) => ({
      quotas: [{ meter: starter.meter.key, window: 'hour', quantity }],
    });
    const put = (plan: string, quantity: string) =>
      t.admin.put(`/v1/plans/${plan}/versions/1/quotas`, quota(quantity));
    expect((await put(starter.plan.key, '100')).status).toBe(200);
    scale = uniqueKey('scale');
    await t.admin.post('/v1/plans', { key: scale, name: 'Scale', currency: 'USD' });
    await publishPlanVersion(
      t,
      scale,
      planVersionBody(
        { meteredItem: starter.meteredItem.key, meter: starter.meter.key },
        { licenceFees: [{ billableItem: starter.licensedItem.key, unitAmount: '199.00' }] },
      ),
    );
    expect((await put(scale, '1000')).status).toBe(200);
    const rule = await t.admin.post('/v1/alert-rules', {
      type: 'quota_pressure',
      hits: 3,
      windows: 168,
    });
    expect(rule.status).toBe(201);
    expect(rule.body).toMatchObject({
      type: 'quota_pressure',
      hits: 3,
      windows: 168,
      meter: null,
      channels: ['email', 'crm_task', 'crm_opportunity'],
    });
  });

  afterAll(async () => {
    await t?.close();
    await crm?.close();
    await smtp?.stop();
  });

  /** At hh:30 of `day`: 100 tokens (the quota) and 20 more, enforced; waits for hits and alerts. */
  async function capHit(customer: string, hour: number, day = MONDAY) {
    const at = `${day}T${String(hour).padStart(2, '0')}:30:00Z`;
    t.clock.set(at);
    const event = (value: string) => ({
      id: `evt_pressure_${++eventSequence}`,
      customerExternalId: customer,
      meter: starter.meter.key,
      timestamp: at,
      value,
    });
    const response = await t.admin.post('/v1/events', {
      events: [event('100'), event('20')],
      enforce: true,
    });
    expect(response.body).toMatchObject({ accepted: 1, rejected: [{ code: 'quota_exceeded' }] });
    await hits.flush();
    await evaluator.flush();
  }

  const pressureAlerts = async (customer: string) =>
    (await t.admin.get(`/v1/alerts?customerExternalId=${customer}&rule=quota_pressure`)).body
      .data as Array<{ id: string; level: string; details: Record<string, unknown> }>;

  it('fires once at the third hourly cap of the week: one e-mail, one CRM task and one deal', async () => {
    const externalId = uniqueKey('pressed');
    const domain = `${externalId.replace(/_/g, '-')}.example`;
    const accountId = crm.addAccount({ externalId, domain });
    const customer = await createCustomer(t, { externalId, crm: { domain }, locale: 'en' });
    await createSubscription(t, { customerExternalId: externalId, plan: starter.plan.key });

    await capHit(externalId, 0);
    await capHit(externalId, 1);
    expect(await pressureAlerts(externalId)).toEqual([]);
    await capHit(externalId, 2);
    // A fourth cap in the same week adds nothing: the rule fired for this set of windows.
    await capHit(externalId, 3);
    expect((await worker.drain()).dead).toBe(0);

    const alerts = await pressureAlerts(externalId);
    expect(alerts).toHaveLength(1);
    const [alert] = alerts;
    expect(alert).toMatchObject({
      level: 'hour:calendar',
      quantity: '120',
      limit: '100',
      intervalStart: `${MONDAY}T00:00:00.000Z`,
      intervalEnd: '2026-03-23T00:00:00.000Z',
    });
    // Three caps, each reached at hh:30: half an hour at the cap each.
    expect(alert.details).toMatchObject({
      capsHit: 3,
      hoursThrottled: '1.5',
      peakDemand: '120',
      recommendation: { action: 'upgrade', recommendedPlan: { plan: scale } },
    });
    // Scale costs 150.00 a month more: 12 × 150 a year.
    const incremental = (alert.details.recommendation as { incrementalAnnualRevenue: string })
      .incrementalAnnualRevenue;
    expect(incremental).toBe('1800');

    const mails = smtp.to(customer.email!);
    expect(mails).toHaveLength(1);
    expect(mails[0].subject).toBe(`You reached your Meter ${starter.meter.key} quota 3 times`);
    expect(mails[0].text).toContain(
      'On the ' + scale + ' plan your quota would be 1,000 tokens per hour',
    );

    const tasks = crm.tasks().filter((task) => task.accountId === accountId);
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ key: `alert:${alert.id}`, ownerId: crm.ownerId });
    expect(tasks[0].body).toContain(
      'Quota pressure: the hour quota was reached 3 times, 1.5 hours throttled; busiest hour: 120 against a quota of 100',
    );
    expect(tasks[0].body).toContain(`Recommended plan: ${scale}`);
    const deals = crm.deals().filter((deal) => deal.accountId === accountId);
    expect(deals).toHaveLength(1);
    expect(deals[0].amount.eq(new Decimal('1800'))).toBe(true);
    expect(crm.accountProperty(accountId, 'quotaHits')).toBe('3');

    // Evaluating again (a retried pass) stores, sends and pushes nothing more.
    const stored = await t.app.get(CustomerRepository).findByExternalId(externalId);
    await evaluator.evaluateCustomers([stored!.id], t.clock.now());
    expect((await worker.drain()).dead).toBe(0);
    expect(await pressureAlerts(externalId)).toHaveLength(1);
    expect(smtp.to(customer.email!)).toHaveLength(1);
    expect(crm.tasks().filter((task) => task.accountId === accountId)).toHaveLength(1);
  });

  it('re-arms in the next week', async () => {
    const externalId = uniqueKey('weekly');
    await createCustomer(t, { externalId });
    await createSubscription(t, { customerExternalId: externalId, plan: starter.plan.key });
    for (const hour of [4, 5, 6]) await capHit(externalId, hour);
    expect(await pressureAlerts(externalId)).toHaveLength(1);
    for (const hour of [0, 1]) await capHit(externalId, hour, '2026-03-23');
    expect(await pressureAlerts(externalId)).toHaveLength(1);
    await capHit(externalId, 2, '2026-03-23');
    const alerts = await pressureAlerts(externalId);
    expect(alerts.map((alert) => alert.details.windowSetStart).sort()).toEqual([
      '2026-03-16T00:00:00.000Z',
      '2026-03-23T00:00:00.000Z',
    ]);
  });
});
