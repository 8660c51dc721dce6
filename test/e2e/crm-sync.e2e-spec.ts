import { AlertsEvaluator } from '../../src/alerts/alerts-evaluator.service';
import { Decimal } from '../../src/common/decimal';
import { CrmProviderName, UsagePropertyName } from '../../src/crm/crm-provider';
import { CRM_PROVIDER } from '../../src/crm/crm-provider.token';
import { CrmSetupService } from '../../src/crm/crm-setup.service';
import { DealOutcomesReader } from '../../src/crm/deal-outcomes-reader.service';
import { DealOutcomesRepository } from '../../src/deal-outcomes/deal-outcomes.repository';
import { OutboxWorker } from '../../src/outbox/outbox-worker.service';
import {
  createCustomer,
  createPlanWithVersion,
  createScalePlan,
  createSubscription,
  PricedPlan,
  uniqueKey,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { CreateKind, CrmHarness, CrmTarget, startCrmHarness } from './crm-harness';

interface AlertBody {
  id: string;
  level: string;
  details: {
    recommendation?: { incrementalAnnualRevenue: string; recommendedPlan: { plan: string } | null };
  };
}

const TARGETS: CrmTarget[] = ['hubspot', 'salesforce', 'hubspot without custom objects'];

describe.each(TARGETS)('CRM sync with %s', (target) => {
  let crm: CrmHarness;
  let provider: CrmProviderName;
  let t: TestApp;
  let worker: OutboxWorker;
  let evaluator: AlertsEvaluator;
  /** Limit 1000 a month, 0.01 a unit, 49.00 licence: what every customer here is on. */
  let starter: PricedPlan;
  /** The same items with a limit of 100 000 and a 199.00 licence: the plan sales should propose. */
  let scale: string;
  let eventSequence = 0;

  beforeAll(async () => {
    crm = await startCrmHarness(target);
    provider = crm.provider;
    t = await startTestApp({ env: crm.env, now: '2026-03-15T12:00:00Z' });
    worker = t.app.get(OutboxWorker);
    evaluator = t.app.get(AlertsEvaluator);
    starter = await createPlanWithVersion(t);
    scale = await createScalePlan(t, starter);
  });

  afterAll(async () => {
    await t?.close();
    await crm?.close();
  });

  /** A customer on the starter plan with a matching company/account owned by the harness's owner. */
  async function subscribedCustomer(ownerId = crm.ownerId) {
    const externalId = uniqueKey(`crm_${provider}`);
    const domain = `${externalId.replace(/_/g, '-')}.example`;
    const accountId = crm.addAccount({ externalId, domain, ownerId });
    const customer = await createCustomer(t, { externalId, crm: { domain } });
    await createSubscription(t, { customerExternalId: externalId, plan: starter.plan.key });
    return { customer, accountId };
  }

  /** Posts events of `value` units at these instants, and waits for the alerts they fire. */
  async function use(customer: string, value: string, instants: string[]) {
    const response = await t.admin.post('/v1/events', {
      events: instants.map((timestamp) => ({
        id: `evt_crm_${provider}_${++eventSequence}`,
        customerExternalId: customer,
        meter: starter.meter.key,
        timestamp,
        value,
      })),
    });
    expect(response.status).toBe(200);
    await evaluator.flush();
  }

  /** 60 units a day on days 1–14 of the month: a steady pace that will overrun the limit of 1000. */
  async function steadyUsage(customer: string, month: string) {
    const days = Array.from(
      { length: 14 },
      (_, i) => `${month}-${String(i + 1).padStart(2, '0')}T09:00:00Z`,
    );
    await use(customer, '60', days);
  }

  async function alertsOf(customer: string): Promise<AlertBody[]> {
    const response = await t.admin.get(
      `/v1/alerts?customerExternalId=${customer}&rule=usage_threshold`,
    );
    return (response.body.data as AlertBody[]).sort((a, b) => Number(a.level) - Number(b.level));
  }

  /** A figure on the company/account; fails when it was never pushed. */
  function figure(accountId: string, name: UsagePropertyName): Decimal {
    const value = crm.accountProperty(accountId, name);
    expect(value).not.toBeNull();
    return new Decimal(value ?? 'NaN');
  }

  async function dead() {
    const response = await t.admin.get('/v1/crm/outbox?status=dead');
    return response.body.data as Array<{ id: string; lastError: string }>;
  }

  it('sets up the CRM once: a second run finds everything in place', async () => {
    const setup = t.app.get(CrmSetupService);
    const first = await setup.setup();
    expect(first.created.length).toBeGreaterThan(0);
    const second = await setup.setup();
    expect(second.created).toEqual([]);
    expect(second.differences).toEqual([]);
    expect(second.existing.length).toBeGreaterThanOrEqual(first.created.length);
    // A portal without custom objects gets everything else, and says what it skipped and why.
    expect(first.skipped).toEqual(
      crm.holdsCohorts ? [] : [expect.stringMatching(/usage_cohort_snapshot: .*Enterprise/)],
    );
  });

  describe('one customer nearing its limit', () => {
    let customer: string;
    let accountId: string;

    beforeAll(async () => {
      const created = await subscribedCustomer();
      customer = created.customer.externalId;
      accountId = created.accountId;
    });

    it('past 80 % (84 %) → one task for the owner and one deal worth the incremental annual revenue', async () => {
      await steadyUsage(customer, '2026-03'); // 14 × 60 = 840 of 1000
      const report = await worker.drain();
      expect(report.dead).toBe(0);

      const [alert] = await alertsOf(customer);
      const incremental = alert.details.recommendation!.incrementalAnnualRevenue;
      expect(new Decimal(incremental).gt(0)).toBe(true);
      expect(alert.details.recommendation!.recommendedPlan!.plan).toBe(scale);

      const tasks = crm.tasks().filter((task) => task.accountId === accountId);
      expect(tasks).toHaveLength(1);
      expect(tasks[0]).toMatchObject({ ownerId: crm.ownerId, key: `alert:${alert.id}` });
      expect(tasks[0].subject).toContain('84 %');
      expect(tasks[0].body).toContain(`${t.config.publicUrl}/v1/customers/${customer}/usage`);
      expect(tasks[0].body).toContain(scale);
      // An alert's task is the middle priority: a customer's own request outranks it.
      expect(tasks[0].priority).toBe(provider === 'hubspot' ? 'MEDIUM' : 'Normal');

      const deals = crm.deals().filter((deal) => deal.accountId === accountId);
      expect(deals).toHaveLength(1);
      expect(deals[0].amount.eq(incremental)).toBe(true);
      expect(deals[0].requestedByCustomer).toBe(false);
      expect(new Decimal(crm.percentOfLimit(accountId) ?? 'NaN').eq(84)).toBe(true);
      // No month completed yet, no credit granted: both pushed as zero rather than left blank.
      expect(figure(accountId, 'mrr').eq(0)).toBe(true);
      expect(figure(accountId, 'creditBalance').eq(0)).toBe(true);

      const shown = await t.admin.get(`/v1/customers/${customer}`);
      const stored = provider === 'hubspot' ? 'hubspotCompanyId' : 'salesforceAccountId';
      expect(shown.body.crm[stored]).toBe(accountId);
      expect(crm.invoices()).toEqual([]);
    });

    it('more usage moves the same deal', async () => {
      await use(customer, '200', ['2026-03-15T11:00:00Z']);
      expect((await worker.drain()).dead).toBe(0);
      const alerts = await alertsOf(customer);
      expect(alerts.map((a) => a.level)).toEqual(['80', '100']);
      const deals = crm.deals().filter((deal) => deal.accountId === accountId);
      expect(deals).toHaveLength(1);
      expect(deals[0].amount.eq(alerts[1].details.recommendation!.incrementalAnnualRevenue)).toBe(
        true,
      );
      expect(crm.tasks().filter((task) => task.accountId === accountId)).toHaveLength(2);
    });

    it('pushes the invoice once, when it is finalized', async () => {
      t.clock.set('2026-04-01T02:00:00Z');
      const run = await t.admin.post('/v1/billing-runs', {});
      expect(run.status).toBe(200);
      await worker.drain();
      await t.admin.post('/v1/billing-runs', {});
      await worker.drain();
      const invoices = (await t.admin.get(`/v1/invoices?customerExternalId=${customer}`)).body
        .data as Array<{ number: string; total: string }>;
      expect(invoices).toHaveLength(1);
      // March is now complete: its MRR is March's invoice, pushed with the invoice's update.
      expect(figure(accountId, 'lastInvoiceTotal').eq(invoices[0].total)).toBe(true);
      expect(figure(accountId, 'mrr').eq(invoices[0].total)).toBe(true);
      expect(figure(accountId, 'creditBalance').eq(0)).toBe(true);
      expect(crm.invoices().filter((invoice) => invoice.accountId === accountId)).toEqual([
        { number: invoices[0].number, accountId },
      ]);
    });
  });

  it('delivers every record exactly once through a stretch of failures', async () => {
    t.clock.set('2026-04-15T12:00:00Z');
    const customers = await Promise.all([1, 2, 3].map(() => subscribedCustomer()));
    crm.chaos(true);
    for (const { customer } of customers) await steadyUsage(customer.externalId, '2026-04');
    for (let round = 0; round < 6; round++) {
      crm.beforeDrain(round);
      await worker.drain();
      t.clock.advance(2 * 3_600_000);
    }
    crm.chaos(false);
    expect(crm.faultsInjected()).toBeGreaterThanOrEqual(provider === 'hubspot' ? 10 : 6);
    for (let round = 0; round < 4; round++) {
      await worker.drain();
      t.clock.advance(2 * 3_600_000);
    }
    expect(await dead()).toEqual([]);
    const pending = await t.admin.get('/v1/crm/outbox?status=pending');
    expect(pending.body.data).toEqual([]);
    for (const { customer, accountId } of customers) {
      const [alert] = await alertsOf(customer.externalId);
      expect(crm.tasks().filter((task) => task.accountId === accountId)).toHaveLength(1);
      const deals = crm.deals().filter((deal) => deal.accountId === accountId);
      expect(deals).toHaveLength(1);
      expect(deals[0].amount.eq(alert.details.recommendation!.incrementalAnnualRevenue)).toBe(true);
    }
    const keys = crm.tasks().map((task) => task.key);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('pushes the real credit balance of a customer holding credit, beside one holding none', async () => {
    t.clock.set('2026-05-20T12:00:00Z');
    const holder = await subscribedCustomer();
    const other = await subscribedCustomer();
    const topUp = await t.admin.post(`/v1/customers/${holder.customer.externalId}/credits`, {
      amount: '500.00',
      currency: 'USD',
    });
    expect(topUp.status).toBe(201);
    for (const { customer } of [holder, other]) await steadyUsage(customer.externalId, '2026-05');
    expect((await worker.drain()).dead).toBe(0);

    const response = await t.admin.get(
      `/v1/customers/${holder.customer.externalId}/credit-balance`,
    );
    expect(response.status).toBe(200);
    const balance = new Decimal(response.body.balance as string);
    // The usage so far draws on the lot: the balance is the full computation, neither 0 nor 500.
    expect(balance.gt(0)).toBe(true);
    expect(balance.lt(500)).toBe(true);
    expect(figure(holder.accountId, 'creditBalance').eq(balance)).toBe(true);
    expect(figure(other.accountId, 'creditBalance').eq(0)).toBe(true);
  });

  it('a lost answer on every kind of create, then retries: still one record each', async () => {
    t.clock.set('2026-06-15T12:00:00Z');
    // No company/account yet: the sync creates it (CRM_CREATE_MISSING_ACCOUNTS).
    const externalId = uniqueKey(`crm_lost_${provider}`);
    const customer = await createCustomer(t, { externalId, name: externalId });
    await createSubscription(t, { customerExternalId: externalId, plan: starter.plan.key });
    for (const kind of ['account', 'deal', 'task'] as CreateKind[]) crm.loseNextCreate(kind);
    await steadyUsage(externalId, '2026-06');
    for (let round = 0; round < 4; round++) {
      await worker.drain();
      t.clock.advance(2 * 3_600_000);
    }
    t.clock.set('2026-07-01T02:00:00Z');
    crm.loseNextCreate('invoice');
    expect((await t.admin.post('/v1/billing-runs', {})).status).toBe(200);
    for (let round = 0; round < 4; round++) {
      await worker.drain();
      t.clock.advance(2 * 3_600_000);
    }
    expect(await dead()).toEqual([]);
    const accounts = crm.accountsNamed(customer.name);
    expect(accounts).toHaveLength(1);
    const [accountId] = accounts;
    expect(crm.tasks().filter((task) => task.accountId === accountId)).toHaveLength(1);
    expect(crm.deals().filter((deal) => deal.accountId === accountId)).toHaveLength(1);
    const ours = (await t.admin.get(`/v1/invoices?customerExternalId=${externalId}`)).body
      .data as Array<{ number: string }>;
    expect(ours.length).toBeGreaterThan(0);
    const pushed = crm.invoices().filter((invoice) => invoice.accountId === accountId);
    expect(pushed.map((invoice) => invoice.number).sort()).toEqual(
      ours.map((invoice) => invoice.number).sort(),
    );
  });

  it('one record the CRM refuses (an inactive owner) is the only one dead, with its reason', async () => {
    t.clock.set('2026-08-15T12:00:00Z');
    const good = await subscribedCustomer();
    const bad = await subscribedCustomer(crm.otherOwnerId);
    crm.deactivateOwner(crm.otherOwnerId);
    const before = new Set((await dead()).map((message) => message.id));
    for (const { customer } of [good, bad]) await steadyUsage(customer.externalId, '2026-08');
    await worker.drain();
    const deadNow = (await dead()).filter((message) => !before.has(message.id));
    // The bad customer's task and deal, each with the CRM's reason; nothing of the good one.
    expect(deadNow).toHaveLength(2);
    for (const message of deadNow) expect(message.lastError).toMatch(/owner|OWNER/);
    expect(crm.tasks().filter((task) => task.accountId === good.accountId)).toHaveLength(1);
    expect(crm.deals().filter((deal) => deal.accountId === good.accountId)).toHaveLength(1);
    expect(crm.tasks().filter((task) => task.accountId === bad.accountId)).toHaveLength(0);
  });

  it('reads deal outcomes back: won and lost are stored, reported, and the read resumes from its cursor', async () => {
    const reader = t.app.get(DealOutcomesReader);
    expect(await reader.readBack()).toBe(crm.deals().length);
    // Nothing changed in the CRM since: the stored cursor holds.
    expect(await reader.readBack()).toBe(0);
    const [won, lost] = crm.deals();
    crm.closeDeal(won.id, 'won');
    crm.closeDeal(lost.id, 'lost');
    // A restarted process starts from the stored cursor: it reads just the two deals sales moved.
    const restarted = new DealOutcomesReader(
      t.app.get(CRM_PROVIDER),
      t.app.get(DealOutcomesRepository),
    );
    expect(await restarted.readBack()).toBe(2);

    // The deals were opened in the CRM today (its own clock).
    const month = new Date().toISOString().slice(0, 7);
    t.clock.set(new Date().toISOString());
    const response = await t.admin.get(`/v1/analytics/expansion?from=${month}&to=${month}`);
    expect(response.status).toBe(200);
    expect(response.body.signalConversionBasis).toMatch(/^proxy/);
    const [row] = response.body.months as Array<{ crmDeals: Record<string, unknown> }>;
    const opened = crm.deals().length;
    expect(row.crmDeals).toMatchObject({
      opened,
      won: 1,
      lost: 1,
      open: opened - 2,
      wonConversion: new Decimal(100).div(opened).toFixed(2),
      wonUnconverted: 0,
    });
    expect(new Decimal(row.crmDeals.wonArr as string).eq(won.amount)).toBe(true);
  });
});
