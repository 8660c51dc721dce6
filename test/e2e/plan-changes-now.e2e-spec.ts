import { DataSource } from 'typeorm';
import { AlertsEvaluator } from '../../src/alerts/alerts-evaluator.service';
import { listInvoices, recordUsage, runBilling } from '../support/billing';
import {
  createBillableItem,
  createCustomer,
  createMeter,
  createPlan,
  createSubscription,
  licensedItemBody,
  meteredItemBody,
  planVersionBody,
  publishPlanVersion,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

interface AlertBody {
  id: string;
  level: string;
  limit: string | null;
  intervalStart: string;
  details: { recommendation?: { action: string; recommendedPlan: { plan: string } | null } };
}

/**
 * Plan changes now, prorated. A basic plan (0.01 a unit, a 30.00 fee a month,
 * limit 1000) and a pro plan (0.005 a unit, a 100.00 fee, limit 50000), both
 * monthly; April has 30 days = 720 hours.
 */
describe('plan changes now', () => {
  let t: TestApp;
  let evaluator: AlertsEvaluator;
  let meter: string;
  let basic: string;
  let pro: string;
  let licensed: string;
  let eventSequence = 0;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-04-05T12:00:00Z' });
    evaluator = t.app.get(AlertsEvaluator);
    meter = (await createMeter(t)).key;
    const metered = (await createBillableItem(t, meteredItemBody(meter))).key;
    licensed = (await createBillableItem(t, licensedItemBody())).key;
    const refs = { meteredItem: metered, licensedItem: licensed, meter };
    const version = (unitAmount: string, fee: string, limit: string) =>
      planVersionBody(refs, {
        rates: [{ billableItem: metered, rate: { model: 'per_unit', unitAmount } }],
        licenceFees: [{ billableItem: licensed, unitAmount: fee }],
        limits: [{ meter, quantity: limit }],
      });
    basic = (await createPlan(t)).key;
    await publishPlanVersion(t, basic, version('0.01', '30.00', '1000'));
    pro = (await createPlan(t)).key;
    await publishPlanVersion(t, pro, version('0.005', '100.00', '50000'));
  });
  afterAll(() => t.close());

  async function send(customer: string, timestamp: string, value: string): Promise<void> {
    await recordUsage(t, [
      { customerExternalId: customer, meter, timestamp, value, id: `evt_now_${++eventSequence}` },
    ]);
    await evaluator.flush();
  }

  const thresholdAlerts = async (customer: string): Promise<AlertBody[]> =>
    (await t.admin.get(`/v1/alerts?customerExternalId=${customer}&rule=usage_threshold`)).body.data;

  it('upgrades from an alert mid-April: usage split at the change, fees prorated, limits and alert levels at once', async () => {
    t.clock.set('2026-04-05T12:00:00Z');
    const customer = (await createCustomer(t)).externalId;
    const subscription = await createSubscription(t, {
      customerExternalId: customer,
      plan: basic,
      startDate: '2026-04-01T00:00:00Z',
    });
    await send(customer, '2026-04-05T10:00:00Z', '1100');
    // Over the basic limit: both levels fire, and the pro plan is recommended.
    const fired = (await thresholdAlerts(customer)).find((alert) => alert.level === '80')!;
    expect(fired).toMatchObject({ level: '80', limit: '1000' });
    expect(fired.details.recommendation).toMatchObject({
      action: 'upgrade',
      recommendedPlan: { plan: pro },
    });

    // Applied at 13:20: the change takes effect on the hour, 13:00.
    t.clock.set('2026-04-11T13:20:00Z');
    const apply = () => t.admin.post(`/v1/alerts/${fired.id}/apply-upgrade`, {});
    const applied = await apply();
    expect(applied.status).toBe(201);
    expect(applied.body).toEqual({
      subscriptionId: subscription.id,
      fromPlan: basic,
      fromVersion: 1,
      toPlan: pro,
      toVersion: 1,
      effectiveAt: '2026-04-11T13:00:00.000Z',
      effective: 'now',
      // Nothing of April is invoiced yet: its invoice prorates both fees.
      creditNotes: [],
    });
    // Applying it again answers the same change and changes nothing.
    t.clock.set('2026-04-11T15:00:00Z');
    expect((await apply()).body).toEqual(applied.body);
    const db = t.app.get(DataSource);
    const rows = await db.query(
      'SELECT count(*)::int AS n FROM subscription_plan_changes WHERE subscription_id = $1',
      [subscription.id],
    );
    expect(rows[0].n).toBe(1);

    // The pro plan holds at once: 1100 + 40000 = 41100 is 82.2 % of its 50000, so the 80 %
    // level fires again, against the new limit (under the old one it fired at 1100 of 1000).
    expect((await t.admin.get(`/v1/subscriptions/${subscription.id}`)).body).toMatchObject({
      plan: pro,
      version: 1,
    });
    await send(customer, '2026-04-11T14:00:00Z', '40000');
    expect(
      (await thresholdAlerts(customer)).map((alert) => [alert.level, alert.limit]).sort(),
    ).toEqual([
      ['100', '1000'],
      ['80', '1000'],
      ['80', '50000'],
    ]);

    t.clock.set('2026-05-01T02:00:00Z');
    await runBilling(t);
    const [april] = await listInvoices(t, `subscriptionId=${subscription.id}`);
    expect(
      april.lines.map((line) => [
        line.kind,
        line.servicePeriodStart.slice(5, 13),
        line.servicePeriodEnd.slice(5, 13),
        line.amount,
      ]),
    ).toEqual([
      // 30.00 × 253/720 (Apr 1 to Apr 11 13:00) = 10.5416… → 10.54
      ['licence_fee', '04-01T00', '04-11T13', '10.54'],
      // 1100 × 0.01, before the change
      ['usage', '04-01T00', '04-11T13', '11.00'],
      // 100.00 × 467/720 (Apr 11 13:00 to May 1) = 64.8611… → 64.86
      ['licence_fee', '04-11T13', '05-01T00', '64.86'],
      // 40000 × 0.005, after the change
      ['usage', '04-11T13', '05-01T00', '200.00'],
    ]);
    // 10.54 + 11.00 + 64.86 + 200.00
    expect(april.total).toBe('286.40');
  });

  it('credits a fee billed in advance with a plan_change credit note, refunded to credit, and charges the new fee pro rata', async () => {
    // Weekly service intervals in monthly periods from March 15: the period to April 15
    // bills the fee of the week April 12–19 in advance.
    t.clock.set('2026-03-15T00:00:00Z');
    const weeklyMeter = (await createMeter(t)).key;
    const licensed = (await createBillableItem(t, licensedItemBody())).key;
    const plan = (await createPlan(t)).key;
    const weekly = (fee: string, live: boolean) =>
      planVersionBody(
        { meter: weeklyMeter },
        {
          live,
          serviceInterval: { unit: 'week', count: 1 },
          licenceFees: [{ billableItem: licensed, unitAmount: fee }],
        },
      );
    await publishPlanVersion(t, plan, weekly('7.00', true)); // 1
    await publishPlanVersion(t, plan, weekly('14.00', false)); // 2
    await publishPlanVersion(t, plan, {
      ...weekly('9.00', false),
      serviceInterval: { unit: 'month', count: 1 },
    }); // 3
    const customer = (await createCustomer(t)).externalId;
    const subscription = await createSubscription(t, {
      customerExternalId: customer,
      plan,
      startDate: '2026-03-15T00:00:00Z',
    });
    t.clock.set('2026-04-15T02:00:00Z');
    await runBilling(t);
    const [march] = await listInvoices(t, `subscriptionId=${subscription.id}`);
    // Five weeks start in the period (Mar 15, 22, 29, Apr 5, 12): 5 × 7.00
    expect(march.total).toBe('35.00');

    t.clock.set('2026-04-16T00:30:00Z');
    const change = (body: object, key = `upgrade-${subscription.id}`) =>
      t.admin
        .post(`/v1/subscriptions/${subscription.id}/plan-changes`, body)
        .set('Idempotency-Key', key);

    // What a change now cannot do is refused, naming the field.
    const refusals: Array<[object, string]> = [
      [{ version: 2, effective: 'now', effectiveAt: '2026-04-16T02:00:00Z' }, 'effectiveAt'],
      // before the current week (Apr 12) and billing period (Apr 15)
      [{ version: 2, effective: 'now', effectiveAt: '2026-04-14T00:00:00Z' }, 'effectiveAt'],
      [{ version: 3, effective: 'now' }, 'version'],
      [{ version: 2, effectiveAt: '2026-04-16T00:00:00Z' }, 'effectiveAt'],
      [{ version: 2, effective: 'now', refundToCredit: 'yes' }, 'refundToCredit'],
    ];
    for (const [body, field] of refusals) {
      const refused = await change(body, `refused-${field}-${JSON.stringify(body)}`);
      expect([refused.status, refused.body.error.details[0].field]).toEqual([400, field]);
    }

    const upgrade = () => change({ version: 2, effective: 'now', refundToCredit: true });
    const upgraded = await upgrade();
    expect(upgraded.status).toBe(201);
    // The change is at 00:00: 3 of the week's 7 days unused → 7.00 × 3/7 = 3.00
    expect(upgraded.body).toMatchObject({
      fromVersion: 1,
      toVersion: 2,
      effectiveAt: '2026-04-16T00:00:00.000Z',
      effective: 'now',
      creditNotes: [
        {
          reason: 'plan_change',
          invoiceId: march.id,
          lines: [
            {
              servicePeriodStart: '2026-04-16T00:00:00.000Z',
              servicePeriodEnd: '2026-04-19T00:00:00.000Z',
              amount: '3.00',
            },
          ],
          total: '3.00',
          refundedToCredit: true,
        },
      ],
    });
    // A retry (same key) issues nothing more.
    const retried = await upgrade();
    expect(retried.body.creditNotes.map((note: { id: string }) => note.id)).toEqual(
      upgraded.body.creditNotes.map((note: { id: string }) => note.id),
    );
    const balance = await t.admin.get(`/v1/customers/${customer}/credit-balance`);
    expect(balance.body.available).toBe('3.00');

    // The new fee from the change: 14.00 × 3/7 = 6.00 for April 16–19, then whole weeks.
    t.clock.set('2026-05-15T02:00:00Z');
    await runBilling(t);
    const [april] = await listInvoices(t, `subscriptionId=${subscription.id}`);
    expect(
      april.lines
        .filter((line) => line.kind === 'licence_fee')
        .map((line) => [line.servicePeriodStart.slice(5, 10), line.amount]),
    ).toEqual([
      ['04-16', '6.00'],
      ['04-19', '14.00'],
      ['04-26', '14.00'],
      ['05-03', '14.00'],
      ['05-10', '14.00'],
    ]);
  });

  it('changes a licence quantity now on the same plan: the fee prorated on each quantity', async () => {
    t.clock.set('2026-04-02T00:00:00Z');
    const customer = (await createCustomer(t)).externalId;
    const subscription = await createSubscription(t, {
      customerExternalId: customer,
      plan: basic,
      startDate: '2026-04-01T00:00:00Z',
      licenceQuantities: { [licensed]: '1' },
    });
    t.clock.set('2026-04-16T00:10:00Z');
    const unknown = await t.admin.post(`/v1/subscriptions/${subscription.id}/plan-changes`, {
      effective: 'now',
      licenceQuantities: { nope: '3' },
    });
    expect([unknown.status, unknown.body.error.details[0].field]).toEqual([
      400,
      'licenceQuantities.nope',
    ]);
    const changed = await t.admin.post(`/v1/subscriptions/${subscription.id}/plan-changes`, {
      effective: 'now',
      licenceQuantities: { [licensed]: '3' },
    });
    expect(changed.status).toBe(201);
    expect(changed.body).toMatchObject({ fromPlan: basic, toPlan: basic, toVersion: 1 });
    expect(
      (await t.admin.get(`/v1/subscriptions/${subscription.id}`)).body.licenceQuantities,
    ).toEqual({ [licensed]: '3' });

    t.clock.set('2026-05-01T02:00:00Z');
    await runBilling(t);
    const [april] = await listInvoices(t, `subscriptionId=${subscription.id}`);
    // 30.00 × 1 × 15/30 = 15.00 to April 16, then 30.00 × 3 × 15/30 = 45.00
    expect(
      april.lines
        .filter((line) => line.kind === 'licence_fee')
        .map((line) => [line.servicePeriodStart.slice(5, 10), line.quantity, line.amount]),
    ).toEqual([
      ['04-01', '1', '15.00'],
      ['04-16', '3', '45.00'],
    ]);
  });

  it('applies a usage page request now, and the upcoming invoice shows both fees prorated at once', async () => {
    t.clock.set('2026-04-02T00:00:00Z');
    const customer = (await createCustomer(t)).externalId;
    const subscription = await createSubscription(t, {
      customerExternalId: customer,
      plan: basic,
      startDate: '2026-04-01T00:00:00Z',
    });
    t.clock.set('2026-04-20T05:30:00Z');
    // The request as the usage page records it (usage-page.e2e-spec.ts makes them through the page).
    const db = t.app.get(DataSource);
    const [request] = await db.query(
      `INSERT INTO usage_page_requests (customer_id, subscription_id, kind, plan_key, interval_start,
                                        interval_end, requested_at)
       SELECT customer_id, id, 'plan_change', $2, '2026-04-01T00:00:00Z', '2026-05-01T00:00:00Z', $3
       FROM subscriptions WHERE id = $1 RETURNING id`,
      [subscription.id, pro, '2026-04-20T05:00:00Z'],
    );
    const applied = await t.admin.post(`/v1/usage-page-requests/${request.id}/apply`, {
      effective: 'now',
    });
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({
      status: 'applied',
      effectiveAt: '2026-04-20T05:00:00.000Z',
    });
    expect((await t.admin.get(`/v1/subscriptions/${subscription.id}`)).body.plan).toBe(pro);

    const upcoming = await t.admin.get(`/v1/subscriptions/${subscription.id}/upcoming-invoice`);
    expect(
      upcoming.body.lines
        .filter((line: { kind: string }) => line.kind === 'licence_fee')
        .map((line: { amount: string }) => line.amount),
    ).toEqual([
      // 30.00 × 461/720 (Apr 1 to Apr 20 05:00) = 19.2083… → 19.21
      '19.21',
      // 100.00 × 259/720 (Apr 20 05:00 to May 1) = 35.9722… → 35.97
      '35.97',
    ]);
  });
});
