import request from 'supertest';
import { DataSource } from 'typeorm';
import {
  createApiKey,
  createPlan,
  createPlanWithVersion,
  createSubscription,
  planVersionBody,
  PricedPlan,
  publishPlanVersion,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const NOW = '2026-03-15T12:00:00Z';

describe('POST /v1/subscriptions/{id}/plan-changes', () => {
  let t: TestApp;
  let pro: PricedPlan;
  const change = (subscriptionId: string, body: object) =>
    t.admin.post(`/v1/subscriptions/${subscriptionId}/plan-changes`, body);
  const subscription = async (id: string) => (await t.admin.get(`/v1/subscriptions/${id}`)).body;

  beforeAll(async () => {
    t = await startTestApp({ now: NOW });
    pro = await createPlanWithVersion(t);
    const refs = {
      meteredItem: pro.meteredItem.key,
      licensedItem: pro.licensedItem.key,
      meter: pro.meter.key,
    };
    await publishPlanVersion(t, pro.plan.key, planVersionBody(refs, { live: false })); // 2
    await publishPlanVersion(t, pro.plan.key, planVersionBody(refs, { live: false })); // 3
    await publishPlanVersion(
      t,
      pro.plan.key,
      planVersionBody(refs, { live: false, serviceInterval: { unit: 'quarter', count: 1 } }),
    ); // 4
  });
  afterAll(() => t.close());
  afterEach(() => t.clock.set(NOW));

  const subscribe = (overrides: object = {}) =>
    createSubscription(t, { plan: pro.plan.key, startDate: '2026-01-01T00:00:00Z', ...overrides });

  it('takes effect at the next billing period boundary and shows as pending until then', async () => {
    const { id } = await subscribe();
    const response = await change(id, { version: 2 });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      subscriptionId: id,
      fromPlan: pro.plan.key,
      fromVersion: 1,
      toPlan: pro.plan.key,
      toVersion: 2,
      // monthly from Jan 1; now is Mar 15, in the period Mar 1 – Apr 1
      effectiveAt: '2026-04-01T00:00:00.000Z',
    });
    expect(await subscription(id)).toMatchObject({
      version: 1,
      pendingPlanChange: {
        plan: pro.plan.key,
        version: 2,
        effectiveAt: '2026-04-01T00:00:00.000Z',
      },
    });

    t.clock.set('2026-03-31T23:59:59Z');
    expect((await subscription(id)).version).toBe(1);
    t.clock.set('2026-04-01T00:00:00Z');
    expect(await subscription(id)).toMatchObject({ version: 2, pendingPlanChange: null });
  });

  it('reads usage limits from the version in force once the change takes effect', async () => {
    const refs = {
      meteredItem: pro.meteredItem.key,
      licensedItem: pro.licensedItem.key,
      meter: pro.meter.key,
    };
    const bigger = await publishPlanVersion(
      t,
      pro.plan.key,
      planVersionBody(refs, { live: false, limits: [{ meter: pro.meter.key, quantity: '5000' }] }),
    );
    const created = await subscribe();
    await change(created.id, { version: bigger.version });
    const limitOf = async () => {
      const usage = await t.admin.get(`/v1/customers/${created.customerExternalId}/usage`);
      return usage.body.subscriptions[0].meters[0].limit;
    };

    expect(await limitOf()).toBe('1000');
    t.clock.set('2026-04-02T00:00:00Z');
    expect(await limitOf()).toBe('5000');
  });

  it("follows the subscription's own periods: start date, anchor day, cadence", async () => {
    const cases: Array<[object, string]> = [
      // monthly from Jan 20: Feb 20 – Mar 20
      [{ startDate: '2026-01-20T00:00:00Z' }, '2026-03-20T00:00:00.000Z'],
      // billed on the 1st after a short first period Jan 20 – Feb 1
      [
        {
          startDate: '2026-01-20T00:00:00Z',
          billingCadence: { unit: 'month', count: 1, anchorDay: 1 },
        },
        '2026-04-01T00:00:00.000Z',
      ],
      // quarterly from Jan 1: Jan 1 – Apr 1
      [{ billingCadence: { unit: 'quarter', count: 1 } }, '2026-04-01T00:00:00.000Z'],
      // not started yet: from its start, so it never bills version 1
      [{ startDate: '2026-05-10T00:00:00Z' }, '2026-05-10T00:00:00.000Z'],
    ];
    for (const [overrides, effectiveAt] of cases) {
      const { id } = await subscribe(overrides);
      const response = await change(id, { version: 3 });
      expect(response.status).toBe(201);
      expect(response.body.effectiveAt).toBe(effectiveAt);
    }
  });

  it('keeps one change per boundary: a retry changes nothing, a new version replaces the pending one', async () => {
    const { id } = await subscribe();
    const first = await change(id, { version: 2 });
    const retry = await change(id, { version: 2 });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const replaced = await change(id, { version: 3 });
    expect(replaced.body).toMatchObject({
      fromVersion: 1,
      toVersion: 3,
      effectiveAt: '2026-04-01T00:00:00.000Z',
    });
    expect((await subscription(id)).pendingPlanChange).toMatchObject({ version: 3 });
    const rows: Array<{ version: number }> = await t.app.get(DataSource).query(
      `SELECT v.version FROM subscription_plan_changes c JOIN plan_versions v ON v.id = c.plan_version_id
         WHERE c.subscription_id = $1`,
      [id],
    );
    expect(rows).toEqual([{ version: 3 }]);
  });

  it('moves from the version in effect after an earlier change, at the following boundary', async () => {
    const { id } = await subscribe();
    await change(id, { version: 2 }).expect(201);
    t.clock.set('2026-04-10T00:00:00Z');
    const next = await change(id, { version: 3 });
    expect(next.body).toMatchObject({
      fromVersion: 2,
      toVersion: 3,
      effectiveAt: '2026-05-01T00:00:00.000Z',
    });
    expect(await subscription(id)).toMatchObject({
      version: 2,
      pendingPlanChange: { version: 3, effectiveAt: '2026-05-01T00:00:00.000Z' },
    });
  });

  it("moves to the live version by default, or to another plan's version in the same currency", async () => {
    const { id } = await subscribe({ version: 2 });
    const toLive = await change(id, {});
    expect(toLive.body).toMatchObject({ fromVersion: 2, toVersion: 1 });

    const team = await createPlanWithVersion(t, { plan: { currency: 'USD' } });
    const moved = await change(id, { plan: team.plan.key, version: 1 });
    expect(moved.status).toBe(201);
    expect(moved.body).toMatchObject({
      fromPlan: pro.plan.key,
      fromVersion: 2,
      toPlan: team.plan.key,
      toVersion: 1,
    });
    t.clock.set('2026-04-01T00:00:00Z');
    expect(await subscription(id)).toMatchObject({
      plan: team.plan.key,
      version: 1,
      pendingPlanChange: null,
    });
  });

  it('refuses bad targets with 400 naming the field', async () => {
    const { id } = await subscribe();
    const euro = await createPlanWithVersion(t, { plan: { currency: 'EUR' } });
    const draftOnly = await createPlan(t);
    await publishPlanVersion(t, draftOnly.key, planVersionBody({}, { live: false }));
    const cases: Array<[object, { field: string; problem: string }]> = [
      [
        { version: 4 },
        {
          field: 'version',
          problem: `plan '${pro.plan.key}' version 4 has a service interval (1 quarter) longer than the subscription's billing cadence (1 month)`,
        },
      ],
      [{ version: 9 }, { field: 'version', problem: `plan '${pro.plan.key}' has no version 9` }],
      [
        { plan: 'no_such_plan', version: 1 },
        { field: 'plan', problem: "no plan with key 'no_such_plan'" },
      ],
      [
        { plan: euro.plan.key },
        {
          field: 'plan',
          problem: `plan '${euro.plan.key}' version 1 bills in EUR; the subscription bills in USD`,
        },
      ],
      [
        { plan: draftOnly.key },
        {
          field: 'version',
          problem: `plan '${draftOnly.key}' has no live version: name a version`,
        },
      ],
      [
        { version: 1 },
        {
          field: 'version',
          problem: `is the version the subscription is on (plan '${pro.plan.key}' version 1)`,
        },
      ],
      [{ version: '2' }, { field: 'version', problem: 'must be a whole number' }],
    ];
    for (const [body, detail] of cases) {
      const response = await change(id, body);
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([detail]);
    }
    expect((await subscription(id)).pendingPlanChange).toBeNull();
  });

  it('refuses a subscription without a billing period after the current one (409) and unknown ids (404)', async () => {
    const ending = await subscribe({ endDate: '2026-04-01T00:00:00Z' });
    const response = await change(ending.id, { version: 2 });
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('conflict');
    expect((await change('00000000-0000-4000-8000-000000000000', { version: 2 })).status).toBe(404);
    expect((await change('not-a-uuid', { version: 2 })).status).toBe(404);
  });

  it('needs an admin key', async () => {
    const { id } = await subscribe();
    const readKey = await createApiKey(t, 'read');
    const asReader = await request(t.app.getHttpServer())
      .post(`/v1/subscriptions/${id}/plan-changes`)
      .set('Authorization', `Bearer ${readKey}`)
      .send({ version: 2 });
    expect(asReader.status).toBe(403);
  });
});
