import { DataSource } from 'typeorm';
import { AlertsEvaluator } from '../../src/alerts/alerts-evaluator.service';
import { OutboxWorker } from '../../src/outbox/outbox-worker.service';
import { SmtpEmulator } from '../emulators/smtp';
import {
  createBillableItem,
  createCustomer,
  createMeter,
  createPlan,
  createSubscribedCustomer,
  createSubscription,
  meteredItemBody,
  planVersionBody,
  publishPlanVersion,
  SubscribedCustomer,
} from '../support/factories';
import { statementsDuring } from '../support/statements';
import { startTestApp, TestApp } from '../support/test-app';

interface AlertBody {
  id: string;
  rule: string;
  customerExternalId: string;
  subscriptionId: string;
  meter: string | null;
  level: string;
  quantity: string | null;
  limit: string | null;
  intervalStart: string;
  firedAt: string;
  channels: string[];
  details: Record<string, unknown>;
}

describe('alerts', () => {
  let smtp: SmtpEmulator;
  let t: TestApp;
  let evaluator: AlertsEvaluator;
  let worker: OutboxWorker;
  let eventSequence = 0;

  beforeAll(async () => {
    smtp = await SmtpEmulator.start();
    t = await startTestApp({ env: { SMTP_URL: smtp.url }, now: '2026-03-15T12:00:00Z' });
    evaluator = t.app.get(AlertsEvaluator);
    worker = t.app.get(OutboxWorker);
  });

  afterAll(async () => {
    await t?.close();
    await smtp?.stop();
  });

  /** Posts events and waits until the evaluation they triggered is done. */
  async function send(
    events: Array<{ customer: string; meter: string; at: string; value: string; id?: string }>,
  ) {
    const response = await t.admin.post('/v1/events', {
      events: events.map((event) => ({
        id: event.id ?? `evt_alerts_${++eventSequence}`,
        customerExternalId: event.customer,
        meter: event.meter,
        timestamp: event.at,
        value: event.value,
      })),
    });
    expect(response.status).toBe(200);
    await evaluator.flush();
    return response.body as { accepted: number; duplicates: number };
  }

  async function alertsOf(customer: string, rule?: string): Promise<AlertBody[]> {
    const response = await t.admin.get(
      `/v1/alerts?customerExternalId=${customer}${rule ? `&rule=${rule}` : ''}`,
    );
    expect(response.status).toBe(200);
    return (response.body.data as AlertBody[]).sort((a, b) => Number(a.level) - Number(b.level));
  }

  it('has the default rule on a fresh install', async () => {
    const response = await t.admin.get('/v1/alert-rules');
    expect(response.status).toBe(200);
    expect(response.body.data).toContainEqual(
      expect.objectContaining({
        type: 'usage_threshold',
        levels: ['80', '100'],
        meter: null,
        scope: {},
        channels: ['email', 'crm_task'],
        enabled: true,
      }),
    );
  });

  it('rejects invalid rules with the field at fault', async () => {
    const cases: Array<[object, string]> = [
      [{ type: 'usage_threshold', levels: ['100', '80'] }, 'levels[1]'],
      [{ type: 'usage_threshold', levels: ['0.5'] }, 'levels[0]'],
      [{ type: 'usage_threshold', channels: ['sms'] }, 'channels[0]'],
      [{ type: 'usage_threshold', meter: 'no_such_meter' }, 'meter'],
      [{ type: 'usage_threshold', scope: { plan: 'no_such_plan' } }, 'scope.plan'],
      [{ type: 'bill_shock', factor: '0.5' }, 'factor'],
      [{ type: 'nonsense' }, 'type'],
    ];
    for (const [body, field] of cases) {
      const response = await t.admin.post('/v1/alert-rules', body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
      expect(response.body.error.details.map((d: { field: string }) => d.field)).toContain(field);
    }
  });

  it('creates, disables and deletes a rule', async () => {
    const created = await t.admin.post('/v1/alert-rules', {
      type: 'bill_shock',
      factor: '3',
      minIncrease: '1000.00',
      channels: ['email', 'crm_opportunity'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'bill_shock',
      factor: '3',
      minIncrease: '1000',
      enabled: true,
    });
    const disabled = await t.admin.patch(`/v1/alert-rules/${created.body.id}`, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body.enabled).toBe(false);
    expect((await t.admin.delete(`/v1/alert-rules/${created.body.id}`)).status).toBe(204);
    expect((await t.admin.delete(`/v1/alert-rules/${created.body.id}`)).status).toBe(404);
  });

  describe('usage thresholds', () => {
    let s: SubscribedCustomer;

    beforeAll(async () => {
      // Limit 1000 a month at 0.01 a unit, 49.00 licence (test/support/factories.ts).
      s = await createSubscribedCustomer(t, { customer: { locale: 'fr' } });
    });

    it('fires 80 % then 100 % once each, with one e-mail each in the customer’s language', async () => {
      const customer = s.customer.externalId;
      const meter = s.priced.meter.key;
      await send([{ customer, meter, at: '2026-03-15T10:00:00Z', value: '850', id: 'evt_th_1' }]);
      let alerts = await alertsOf(customer, 'usage_threshold');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({
        rule: 'usage_threshold',
        customerExternalId: customer,
        subscriptionId: s.subscription.id,
        meter,
        level: '80',
        quantity: '850',
        limit: '1000',
        intervalStart: '2026-03-01T00:00:00.000Z',
        firedAt: '2026-03-15T12:00:00.000Z',
        channels: ['email', 'crm_task'],
      });
      expect(alerts[0].details).toMatchObject({
        quantity: '850',
        limit: '1000',
        percentOfLimit: '85',
      });

      await send([{ customer, meter, at: '2026-03-15T11:00:00Z', value: '200', id: 'evt_th_2' }]);
      alerts = await alertsOf(customer, 'usage_threshold');
      expect(alerts.map((alert) => [alert.level, alert.quantity])).toEqual([
        ['80', '850'],
        ['100', '1050'],
      ]);

      await worker.drain();
      const mails = smtp.to(s.customer.email!);
      const subjects = mails.map((mail) => mail.subject ?? '').sort();
      expect(subjects).toEqual([
        `Vous avez atteint 80\u00a0% de votre limite pour ${s.priced.meter.name}`,
        `Vous avez atteint votre limite pour ${s.priced.meter.name}`,
      ]);
    });

    it('fires nothing more when the same events arrive again', async () => {
      const customer = s.customer.externalId;
      const meter = s.priced.meter.key;
      const result = await send([
        { customer, meter, at: '2026-03-15T10:00:00Z', value: '850', id: 'evt_th_1' },
        { customer, meter, at: '2026-03-15T11:00:00Z', value: '200', id: 'evt_th_2' },
      ]);
      expect(result.duplicates).toBe(2);
      await evaluator.evaluateCustomers([await customerId(customer)], t.clock.now());
      await worker.drain();
      expect(await alertsOf(customer, 'usage_threshold')).toHaveLength(2);
      expect(smtp.to(s.customer.email!)).toHaveLength(2);
    });

    it('re-arms in the next interval', async () => {
      const customer = s.customer.externalId;
      const meter = s.priced.meter.key;
      t.clock.set('2026-04-10T12:00:00Z');
      await send([{ customer, meter, at: '2026-04-10T10:00:00Z', value: '1200' }]);
      const april = (await alertsOf(customer, 'usage_threshold')).filter(
        (alert) => alert.intervalStart === '2026-04-01T00:00:00.000Z',
      );
      expect(april.map((alert) => alert.level)).toEqual(['80', '100']);
      t.clock.set('2026-03-15T12:00:00Z');
    });

    it('judges a pass’s customers together: each fires its own levels, in as many statements as one', async () => {
      const many: SubscribedCustomer[] = [];
      for (let k = 0; k < 5; k++) many.push(await createSubscribedCustomer(t));
      // One batch: the first two cross 80 %, the others stay below it.
      await send(
        many.map((c, k) => ({
          customer: c.customer.externalId,
          meter: c.priced.meter.key,
          at: '2026-03-15T10:00:00Z',
          value: k < 2 ? '850' : '100',
        })),
      );
      for (const [k, c] of many.entries()) {
        const levels = (await alertsOf(c.customer.externalId, 'usage_threshold')).map(
          (alert) => alert.level,
        );
        expect(levels).toEqual(k < 2 ? ['80'] : []);
      }
      // Nothing more may fire: the gate reads five customers in the statements it reads one in.
      const ids = await Promise.all(many.map((c) => customerId(c.customer.externalId)));
      const pass = (customers: string[]) =>
        statementsDuring(() => evaluator.evaluateCustomers(customers, t.clock.now()));
      const forOne = await pass(ids.slice(0, 1));
      expect(forOne.some((sql) => /JOIN alerts a\b/.test(sql))).toBe(true);
      expect(await pass(ids)).toEqual(forOne);
    });
  });

  describe('bill shock', () => {
    it('fires on schedule for a surging customer and not for a steady one', async () => {
      const rule = await t.admin.post('/v1/alert-rules', {
        type: 'bill_shock',
        factor: '1.5',
        minIncrease: '100.00',
        channels: ['email', 'crm_opportunity'],
      });
      expect(rule.status).toBe(201);
      const surging = await createSubscribedCustomer(t);
      const steady = await createSubscribedCustomer(t);
      // A new customer's usual bill is the plan's fixed fees, 49.00. 50 000 units by mid-month
      // project to about 1 000.00 of usage: far above 1.5 × 49.00 and more than 100.00 more.
      await send([
        {
          customer: surging.customer.externalId,
          meter: surging.priced.meter.key,
          at: '2026-03-15T10:00:00Z',
          value: '50000',
        },
        // 100 units by mid-month: about 2.00 of usage, so about 51.00 in all.
        {
          customer: steady.customer.externalId,
          meter: steady.priced.meter.key,
          at: '2026-03-15T10:00:00Z',
          value: '100',
        },
      ]);
      await evaluator.evaluateScheduled(t.clock.now());
      await evaluator.evaluateScheduled(t.clock.now());

      const shocks = await alertsOf(surging.customer.externalId, 'bill_shock');
      expect(shocks).toHaveLength(1);
      expect(shocks[0]).toMatchObject({
        rule: 'bill_shock',
        meter: null,
        level: 'shock',
        channels: ['email', 'crm_opportunity'],
      });
      expect(shocks[0].details).toMatchObject({ usualBill: '49', currency: 'USD' });
      expect(await alertsOf(steady.customer.externalId, 'bill_shock')).toEqual([]);

      await worker.drain();
      expect(smtp.to(surging.customer.email!).map((mail) => mail.subject)).toContainEqual(
        expect.stringMatching(/projected|bill/i),
      );
      expect((await t.admin.delete(`/v1/alert-rules/${rule.body.id}`)).status).toBe(204);
    });
  });

  /** A rule for one customer only, so it leaves the other tests' customers alone. */
  async function ruleFor(customer: string, body: object): Promise<string> {
    const rule = await t.admin.post('/v1/alert-rules', {
      ...body,
      scope: { customerExternalId: customer },
    });
    expect(rule.status).toBe(201);
    return rule.body.id as string;
  }

  /** `perDay` units at 10:00 each day from March `from` to `to` (inclusive). */
  function daily(customer: string, meter: string, from: number, to: number, perDay: string) {
    return Array.from({ length: to - from + 1 }, (_, index) => ({
      customer,
      meter,
      at: new Date(Date.UTC(2026, 2, from + index, 10)).toISOString(),
      value: perDay,
    }));
  }

  describe('opt-out of usage warnings', () => {
    it('sends the 100 % mail but not the 80 % one, and stores both alerts', async () => {
      const s = await createSubscribedCustomer(t);
      const customer = s.customer.externalId;
      const meter = s.priced.meter.key;
      const preferences = await t.admin.put(`/v1/customers/${customer}/email-preferences`, {
        usageWarnings: false,
      });
      expect(preferences.status).toBe(200);
      await send([{ customer, meter, at: '2026-03-15T10:00:00Z', value: '850' }]);
      await send([{ customer, meter, at: '2026-03-15T11:00:00Z', value: '200' }]);
      expect((await alertsOf(customer, 'usage_threshold')).map((alert) => alert.level)).toEqual([
        '80',
        '100',
      ]);
      await worker.drain();
      expect(smtp.to(s.customer.email!).map((mail) => mail.subject)).toEqual([
        `You have reached your ${s.priced.meter.name} limit`,
      ]);
    });
  });

  describe('spend threshold', () => {
    it('fires once the bill so far reaches the amount, with no e-mail of its own', async () => {
      const s = await createSubscribedCustomer(t);
      const customer = s.customer.externalId;
      await ruleFor(customer, { type: 'spend_threshold', amount: '100.00' });
      // 49.00 licence + 4 000 × 0.01: 89.00, then 6 000 units: 109.00.
      await send([
        { customer, meter: s.priced.meter.key, at: '2026-03-15T09:00:00Z', value: '4000' },
      ]);
      expect(await alertsOf(customer, 'spend_threshold')).toEqual([]);
      await send([
        { customer, meter: s.priced.meter.key, at: '2026-03-15T10:00:00Z', value: '2000' },
      ]);
      await send([{ customer, meter: s.priced.meter.key, at: '2026-03-15T11:00:00Z', value: '1' }]);
      const spends = await alertsOf(customer, 'spend_threshold');
      expect(spends).toHaveLength(1);
      expect(spends[0]).toMatchObject({ level: '100', meter: null });
      expect(spends[0].details).toMatchObject({ billSoFar: '109', currency: 'USD' });
      await worker.drain();
      // Only the usage threshold mails (80 % and 100 % of the 1 000 limit): none for the spend.
      expect(smtp.to(s.customer.email!)).toHaveLength(2);
    });
  });

  describe('usage spike', () => {
    it('fires on schedule for a day at 3 × the trailing mean, once, without an e-mail', async () => {
      const s = await createSubscribedCustomer(t);
      const customer = s.customer.externalId;
      const meter = s.priced.meter.key;
      await ruleFor(customer, {
        type: 'usage_spike',
        multiplier: '3',
        meter,
        channels: ['crm_task'],
      });
      await send([
        ...daily(customer, meter, 7, 13, '50'),
        ...daily(customer, meter, 14, 14, '400'),
      ]);
      await evaluator.evaluateScheduled(t.clock.now());
      await evaluator.evaluateScheduled(t.clock.now());
      const spikes = await alertsOf(customer, 'usage_spike');
      expect(spikes).toHaveLength(1);
      expect(spikes[0]).toMatchObject({ meter, level: 'spike:2026-03-14', quantity: '400' });
      await worker.drain();
      expect(smtp.to(s.customer.email!)).toEqual([]);
    });
  });

  describe('credit balance low', () => {
    it('fires once when the forecast eats the interval’s grant, with one e-mail', async () => {
      const meter = await createMeter(t);
      const item = await createBillableItem(t, meteredItemBody(meter.key));
      const plan = await createPlan(t);
      await publishPlanVersion(
        t,
        plan.key,
        planVersionBody(
          { meteredItem: item.key, meter: meter.key },
          {
            creditGrants: [{ name: 'Monthly credit', amount: '100.00', appliesTo: [item.key] }],
            limits: [{ meter: meter.key, quantity: '100000' }],
          },
        ),
      );
      const customer = await createCustomer(t);
      await createSubscription(t, { customerExternalId: customer.externalId, plan: plan.key });
      await ruleFor(customer.externalId, { type: 'credit_balance_low', percent: '20' });
      // 400 a day over March 1–14: 56.00 of the 100.00 used, 44.00 left (above 20 %), but about
      // 12 400 units (124.00) projected by March 31: the credit runs out before the month ends.
      await send(daily(customer.externalId, meter.key, 1, 14, '400'));
      await evaluator.evaluateScheduled(t.clock.now());
      await evaluator.evaluateCustomers([await customerId(customer.externalId)], t.clock.now());
      const alerts = await alertsOf(customer.externalId, 'credit_balance_low');
      expect(alerts).toHaveLength(1);
      expect(alerts[0]).toMatchObject({ level: 'runs_out', meter: null });
      expect(alerts[0].details).toMatchObject({ creditBalance: '44', grantedThisInterval: '100' });
      expect(Date.parse(String(alerts[0].details.creditRunsOutAt))).toBeLessThan(
        Date.parse('2026-04-01T00:00:00Z'),
      );
      await worker.drain();
      const mails = smtp.to(customer.email!);
      expect(mails.map((mail) => mail.subject)).toEqual([
        expect.stringMatching(/credit balance is low/),
      ]);
    });
  });

  async function customerId(externalId: string): Promise<string> {
    const [row]: Array<{ id: string }> = await t.app
      .get(DataSource)
      .query('SELECT id FROM customers WHERE external_id = $1', [externalId]);
    return row.id;
  }

  it('answers 400 on a bad query', async () => {
    expect((await t.admin.get('/v1/alerts?rule=nope')).status).toBe(400);
  });
});
