import request from 'supertest';
import { EntitlementsController } from '../../src/entitlements/entitlements.controller';
import { QuotaHitsService } from '../../src/entitlements/quota-hits.service';
import {
  createApiKey,
  createBillableItem,
  createMeter,
  createSubscribedCustomer,
  meteredItemBody,
  SubscribedCustomer,
  uniqueKey,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

const NOW = '2026-03-15T12:30:00Z';

interface QuotaBody {
  meter: string;
  window: string;
  alignment?: string;
  quantity: string | number;
  kind?: string;
  overage?: string;
}

describe('Quotas and entitlement checks', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: NOW });
  });
  afterAll(() => t.close());
  afterEach(() => t.clock.set(NOW));

  const setPlanQuotas = async (subscribed: SubscribedCustomer, quotas: QuotaBody[]) => {
    const { plan, version } = subscribed.priced;
    const response = await t.admin.put(`/v1/plans/${plan.key}/versions/${version.version}/quotas`, {
      quotas,
    });
    expect(response.status).toBe(200);
    return response.body;
  };

  /** A subscribed customer whose plan has these quotas on its (sum) meter. */
  const customerWithQuotas = async (quotas: Array<Omit<QuotaBody, 'meter'>>) => {
    const subscribed = await createSubscribedCustomer(t);
    await setPlanQuotas(
      subscribed,
      quotas.map((quota) => ({ meter: subscribed.priced.meter.key, ...quota })),
    );
    return subscribed;
  };

  let eventSequence = 0;
  const send = async (
    subscribed: SubscribedCustomer,
    values: Array<string | number>,
    options: { enforce?: boolean; timestamp?: string; ids?: string[] } = {},
  ) => {
    const events = values.map((value, index) => ({
      id: options.ids?.[index] ?? `evt_${(eventSequence += 1)}`,
      customerExternalId: subscribed.customer.externalId,
      meter: subscribed.priced.meter.key,
      timestamp: options.timestamp ?? t.clock.now().toISOString(),
      value,
    }));
    const body = options.enforce === undefined ? { events } : { events, enforce: options.enforce };
    const response = await t.admin.post('/v1/events', body);
    expect(response.status).toBe(200);
    return { ...response.body, ids: events.map((event) => event.id) };
  };

  const check = async (subscribed: SubscribedCustomer) => {
    const response = await t.admin.get(
      `/v1/customers/${subscribed.customer.externalId}/entitlements/${subscribed.priced.meter.key}`,
    );
    expect(response.status).toBe(200);
    return response.body;
  };

  describe('an hourly hard quota of 10 000', () => {
    it('flips the check at the exact event that reaches it', async () => {
      const subscribed = await customerWithQuotas([{ window: 'hour', quantity: '10000' }]);
      await send(subscribed, ['4000', '5999']);
      expect(await check(subscribed)).toMatchObject({
        customerExternalId: subscribed.customer.externalId,
        meter: subscribed.priced.meter.key,
        allowed: true,
        quotas: [
          {
            subscriptionId: subscribed.subscription.id,
            window: 'hour',
            alignment: 'calendar',
            kind: 'hard',
            source: 'plan',
            quantity: '10000',
            used: '9999',
            remaining: '1',
            allowed: true,
            exceeded: false,
            windowStart: '2026-03-15T12:00:00.000Z',
            resetsAt: '2026-03-15T13:00:00.000Z',
          },
        ],
        credit: null,
      });

      await send(subscribed, ['1']);
      expect(await check(subscribed)).toMatchObject({
        allowed: false,
        quotas: [{ used: '10000', remaining: '0', allowed: false, exceeded: true }],
      });
    });

    it('refuses with enforce exactly the event that would pass it, and nothing else changes', async () => {
      const subscribed = await customerWithQuotas([{ window: 'hour', quantity: '10000' }]);
      // 9 000 fit; 2 000 more would make 11 000: refused; 1 000 after it still fit (10 000).
      const first = await send(subscribed, ['9000', '2000', '1000'], { enforce: true });
      expect(first).toMatchObject({
        accepted: 2,
        duplicates: 0,
        rejected: [
          {
            index: 1,
            id: first.ids[1],
            code: 'quota_exceeded',
            field: 'events[1].value',
          },
        ],
      });
      expect(first.rejected[0].message).toContain('past the hard quota of 10000 per hour');
      expect((await check(subscribed)).quotas[0]).toMatchObject({ used: '10000', allowed: false });

      // The same batch again: the stored two are duplicates, the refused one is refused again.
      const retry = await send(subscribed, ['9000', '2000', '1000'], {
        enforce: true,
        ids: first.ids,
      });
      expect(retry).toMatchObject({ accepted: 0, duplicates: 2, rejected: [{ index: 1 }] });
      // Nothing of the refused event reached the usage the invoices read.
      const usage = await t.admin.get(`/v1/customers/${subscribed.customer.externalId}/usage`);
      expect(usage.body.subscriptions[0].meters[0].quantity).toBe('10000');

      // Full: even one more unit is refused; without enforce it is stored (metered after serving).
      const full = await send(subscribed, ['1'], { enforce: true });
      expect(full).toMatchObject({ accepted: 0, rejected: [{ code: 'quota_exceeded' }] });
      expect(await send(subscribed, ['1'])).toMatchObject({ accepted: 1, rejected: [] });
      expect((await check(subscribed)).quotas[0]).toMatchObject({ used: '10001', remaining: '0' });
    });

    it('judges each customer of one enforcing batch against its own quota', async () => {
      const small = await customerWithQuotas([{ window: 'hour', quantity: '100' }]);
      const large = await customerWithQuotas([{ window: 'hour', quantity: '1000' }]);
      const event = (subscribed: SubscribedCustomer, value: string) => ({
        id: `evt_${(eventSequence += 1)}`,
        customerExternalId: subscribed.customer.externalId,
        meter: subscribed.priced.meter.key,
        timestamp: t.clock.now().toISOString(),
        value,
      });
      // small: 80, then 30 would make 110 (refused), then 20 makes 100; large: 80 + 900 = 980.
      const response = await t.admin.post('/v1/events', {
        enforce: true,
        events: [
          event(small, '80'),
          event(large, '80'),
          event(small, '30'),
          event(large, '900'),
          event(small, '20'),
        ],
      });
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        accepted: 4,
        rejected: [{ index: 2, code: 'quota_exceeded' }],
      });
      expect((await check(small)).quotas[0]).toMatchObject({ used: '100', allowed: false });
      expect((await check(large)).quotas[0]).toMatchObject({ used: '980', remaining: '20' });
    });

    it('allows again in the next hour', async () => {
      const subscribed = await customerWithQuotas([{ window: 'hour', quantity: '10000' }]);
      await send(subscribed, ['10000'], { enforce: true });
      expect((await check(subscribed)).allowed).toBe(false);

      t.clock.set('2026-03-15T13:00:00Z');
      expect(await check(subscribed)).toMatchObject({
        allowed: true,
        quotas: [{ used: '0', remaining: '10000', windowStart: '2026-03-15T13:00:00.000Z' }],
      });
      expect(await send(subscribed, ['10000'], { enforce: true })).toMatchObject({ accepted: 1 });
      // A late event of the full hour before is still judged against that hour.
      const late = await send(subscribed, ['5'], {
        enforce: true,
        timestamp: '2026-03-15T12:59:00Z',
      });
      expect(late.rejected).toEqual([expect.objectContaining({ code: 'quota_exceeded' })]);
    });

    it('counts a count meter in events', async () => {
      const subscribed = await createSubscribedCustomer(t);
      const calls = await createMeter(t, { aggregation: 'count', dimensions: [] });
      await setPlanQuotas(subscribed, [{ meter: calls.key, window: 'hour', quantity: 2 }]);
      const event = () => ({
        id: uniqueKey('call'),
        customerExternalId: subscribed.customer.externalId,
        meter: calls.key,
        timestamp: NOW,
      });
      const response = await t.admin.post('/v1/events', {
        events: [event(), event(), event()],
        enforce: true,
      });
      expect(response.body).toMatchObject({
        accepted: 2,
        rejected: [{ index: 2, code: 'quota_exceeded', field: 'events[2]' }],
      });
    });
  });

  it('flags a soft quota without refusing', async () => {
    const subscribed = await customerWithQuotas([{ window: 'hour', quantity: 100, kind: 'soft' }]);
    expect(await send(subscribed, ['150'], { enforce: true })).toMatchObject({
      accepted: 1,
      rejected: [],
    });
    expect(await check(subscribed)).toMatchObject({
      allowed: true,
      quotas: [{ kind: 'soft', used: '150', remaining: '0', allowed: true, exceeded: true }],
    });
  });

  it('answers a top-up of credit at once, when credit pays past a hard quota', async () => {
    const subscribed = await customerWithQuotas([
      { window: 'day', quantity: 100, overage: 'credits' },
    ]);
    await send(subscribed, ['100']);
    expect(await check(subscribed)).toMatchObject({
      allowed: false,
      quotas: [{ window: 'day', overage: 'credits', used: '100', allowed: false }],
      credit: null,
    });
    expect((await send(subscribed, ['1'], { enforce: true })).rejected).toHaveLength(1);

    const topUp = await t.admin.post(`/v1/customers/${subscribed.customer.externalId}/credits`, {
      amount: '10.00',
      currency: 'USD',
      appliesTo: [subscribed.priced.meteredItem.key],
    });
    expect(topUp.status).toBe(201);
    expect(await check(subscribed)).toMatchObject({
      allowed: true,
      quotas: [{ used: '100', remaining: '0', allowed: true, exceeded: true }],
      credit: { currency: 'USD', balance: '10.00' },
    });
    expect(await send(subscribed, ['1'], { enforce: true })).toMatchObject({ accepted: 1 });
  });

  it('shows credit only where it pays for the meter', async () => {
    const subscribed = await customerWithQuotas([{ window: 'hour', quantity: 100 }]);
    const otherItem = await createBillableItem(t, meteredItemBody((await createMeter(t)).key));
    await t.admin.post(`/v1/customers/${subscribed.customer.externalId}/credits`, {
      amount: '5',
      currency: 'USD',
      appliesTo: [otherItem.key],
    });
    expect((await check(subscribed)).credit).toBeNull();
    await t.admin.post(`/v1/customers/${subscribed.customer.externalId}/credits`, {
      amount: '7',
      currency: 'USD',
    });
    expect((await check(subscribed)).credit).toEqual({
      currency: 'USD',
      balance: '7.00',
      prepaidUnits: '0',
    });
  });

  it('measures a rolling day over the last 24 hours', async () => {
    const subscribed = await customerWithQuotas([
      { window: 'day', alignment: 'rolling', quantity: 100 },
      { window: 'day', quantity: 1000, kind: 'soft' },
    ]);
    await send(subscribed, ['60'], { timestamp: '2026-03-14T14:10:00Z' });
    await send(subscribed, ['40'], { timestamp: '2026-03-15T09:00:00Z' });
    const answer = await check(subscribed);
    const rolling = answer.quotas.find(
      (quota: { alignment: string }) => quota.alignment === 'rolling',
    );
    const calendar = answer.quotas.find(
      (quota: { alignment: string }) => quota.alignment === 'calendar',
    );
    // 13:00 yesterday to now: both events, 100 of 100.
    expect(rolling).toMatchObject({
      used: '100',
      allowed: false,
      windowStart: '2026-03-14T13:00:00.000Z',
      // The 60 of 14:00 yesterday leave the window at 14:00 today.
      resetsAt: '2026-03-15T14:00:00.000Z',
    });
    // The calendar day only counts today's 40.
    expect(calendar).toMatchObject({ used: '40', resetsAt: '2026-03-16T00:00:00.000Z' });
    expect(answer.allowed).toBe(false);

    t.clock.set('2026-03-15T14:00:00Z');
    expect((await check(subscribed)).quotas[0]).toMatchObject({ used: '40', allowed: true });
  });

  it('replaces a plan quota with a subscription quota, at once for the window in progress', async () => {
    const subscribed = await customerWithQuotas([{ window: 'hour', quantity: 100 }]);
    await send(subscribed, ['100']);
    const path = `/v1/subscriptions/${subscribed.subscription.id}/quotas`;
    const body = {
      quotas: [{ meter: subscribed.priced.meter.key, window: 'hour', quantity: '250' }],
    };
    const first = await t.admin.put(path, body);
    expect(first.status).toBe(200);
    // Setting the same quotas again (a retried PUT) leaves the same state.
    const again = await t.admin.put(path, body);
    expect(again.body).toEqual(first.body);
    expect(first.body).toEqual({
      subscriptionId: subscribed.subscription.id,
      quotas: [
        {
          meter: subscribed.priced.meter.key,
          window: 'hour',
          alignment: 'calendar',
          quantity: '250',
          kind: 'hard',
          overage: 'refuse',
        },
      ],
      inForce: [expect.objectContaining({ quantity: '250', source: 'subscription' })],
    });
    expect((await check(subscribed)).quotas[0]).toMatchObject({
      source: 'subscription',
      quantity: '250',
      used: '100',
      remaining: '150',
    });
  });

  it('answers quota and subscription changes at once, though it keeps them between checks', async () => {
    const subscribed = await createSubscribedCustomer(t, {
      subscription: { endDate: '2026-03-15T14:00:00Z' },
    });
    const meter = subscribed.priced.meter.key;
    expect((await check(subscribed)).quotas).toEqual([]);
    // Kept from the check above, yet the plan's new quota applies to the next one.
    await setPlanQuotas(subscribed, [{ meter, window: 'hour', quantity: 100 }]);
    expect((await check(subscribed)).quotas).toMatchObject([{ quantity: '100' }]);
    // The subscription's own end, reached by the clock, ends its quotas.
    t.clock.set('2026-03-15T14:30:00Z');
    expect((await check(subscribed)).quotas).toEqual([]);
    t.clock.set(NOW);
    expect((await check(subscribed)).quotas).toMatchObject([{ quantity: '100' }]);
    // Ended earlier through the API: from that end on, no quota, not the one kept until 14:00.
    const ended = await t.admin.post(`/v1/subscriptions/${subscribed.subscription.id}/end`, {
      endDate: '2026-03-15T12:45:00Z',
    });
    expect(ended.status).toBe(200);
    t.clock.set('2026-03-15T12:50:00Z');
    expect((await check(subscribed)).quotas).toEqual([]);
  });

  it('lists every meter with a quota, and answers a meter without one as unlimited', async () => {
    const subscribed = await customerWithQuotas([{ window: 'week', quantity: 5 }]);
    const all = await t.admin.get(`/v1/customers/${subscribed.customer.externalId}/entitlements`);
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({
      customerExternalId: subscribed.customer.externalId,
      checkedAt: '2026-03-15T12:30:00.000Z',
      allowed: true,
      entitlements: [
        {
          meter: subscribed.priced.meter.key,
          quotas: [{ window: 'week', windowStart: '2026-03-09T00:00:00.000Z' }],
        },
      ],
    });
    const free = await createMeter(t);
    const unlimited = await t.admin.get(
      `/v1/customers/${subscribed.customer.externalId}/entitlements/${free.key}`,
    );
    expect(unlimited.body).toMatchObject({ meter: free.key, allowed: true, quotas: [] });
  });

  it('answers on the lean routes byte for byte what the Nest controller answers, with an ETag', async () => {
    const subscribed = await customerWithQuotas([
      { window: 'hour', quantity: 100 },
      { window: 'day', quantity: 1000, overage: 'credits' },
    ]);
    await send(subscribed, ['40.5']);
    await t.admin.post(`/v1/customers/${subscribed.customer.externalId}/credits`, {
      amount: '7.5',
      currency: 'USD',
    });
    const { externalId } = subscribed.customer;
    const meter = subscribed.priced.meter.key;
    // The controller is no longer routed to; called directly it gives the answer as Nest served it.
    const controller = t.app.get(EntitlementsController);
    const cases: Array<[string, () => Promise<object>]> = [
      [`/v1/customers/${externalId}/entitlements`, () => controller.all(externalId)],
      [
        `/v1/customers/${externalId}/entitlements/${meter}`,
        () => controller.one(externalId, meter),
      ],
    ];
    for (const [path, direct] of cases) {
      const response = await t.admin.get(path);
      expect(response.status).toBe(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.text).toBe(JSON.stringify(await direct()));
      const again = await t.admin.get(path).set('If-None-Match', response.headers.etag);
      expect(again.status).toBe(304);
    }
    expect((await check(subscribed)).credit).toEqual({
      currency: 'USD',
      balance: '7.50',
      prepaidUnits: '0',
    });
  });

  it('answers a plain check before Express exactly as Express answers it, refusals included', async () => {
    const subscribed = await customerWithQuotas([{ window: 'hour', quantity: 100 }]);
    await send(subscribed, ['12']);
    const path = `/v1/customers/${subscribed.customer.externalId}/entitlements/${subscribed.priced.meter.key}`;
    const shown = (response: request.Response) => ({
      status: response.status,
      text: response.text,
      type: response.headers['content-type'],
      length: response.headers['content-length'],
      etag: response.headers['etag'],
      poweredBy: response.headers['x-powered-by'],
    });
    // A query sends the same check through Express (its lean routes); without one it is answered before Express.
    const pairs: Array<[request.Test, request.Test]> = [
      [t.admin.get(path), t.admin.get(`${path}?via=express`)],
      [t.http().get(path), t.http().get(`${path}?via=express`)],
      [
        t.admin.get('/v1/customers/nobody/entitlements'),
        t.admin.get('/v1/customers/nobody/entitlements?via=express'),
      ],
    ];
    const statuses: number[] = [];
    for (const [plain, throughExpress] of pairs) {
      const answered = shown(await plain);
      expect(answered).toEqual(shown(await throughExpress));
      statuses.push(answered.status);
    }
    expect(statuses).toEqual([200, 401, 404]);
  });

  it('documents the answer, with the credit and the prepaid block units, in the OpenAPI document', async () => {
    const document = (await t.http().get('/docs/openapi.json').expect(200)).body;
    const answerOf = (path: string) =>
      document.paths[path].get.responses['200'].content['application/json'].schema;
    const one = answerOf('/v1/customers/{externalId}/entitlements/{meter}');
    const all = answerOf('/v1/customers/{externalId}/entitlements');
    for (const credit of [
      one.properties.credit,
      all.properties.entitlements.items.properties.credit,
    ]) {
      expect(credit).toMatchObject({
        nullable: true,
        properties: {
          balance: { type: 'string' },
          prepaidUnits: { type: 'string', pattern: expect.any(String) },
        },
        required: ['currency', 'balance', 'prepaidUnits'],
      });
    }
    expect(one.required).toEqual(expect.arrayContaining(['allowed', 'quotas', 'credit']));
  });

  it('answers keys with the check or read scope, and only those', async () => {
    const subscribed = await customerWithQuotas([{ window: 'hour', quantity: 5 }]);
    const path = `/v1/customers/${subscribed.customer.externalId}/entitlements`;
    const as = async (scope: 'check' | 'read' | 'ingest') =>
      request(t.app.getHttpServer())
        .get(path)
        .set('Authorization', `Bearer ${await createApiKey(t, scope)}`);
    expect((await as('check')).status).toBe(200);
    expect((await as('read')).status).toBe(200);
    const refused = await as('ingest');
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain("needs 'read' or 'check'");
    // A check key reads entitlements only.
    const checkKey = await createApiKey(t, 'check');
    const customers = await request(t.app.getHttpServer())
      .get('/v1/customers')
      .set('Authorization', `Bearer ${checkKey}`);
    expect(customers.status).toBe(403);
  });

  describe('bad input', () => {
    it('names the field of each problem in a quota set', async () => {
      const subscribed = await createSubscribedCustomer(t);
      const unique = await createMeter(t, { aggregation: 'unique_count', dimensions: [] });
      const { plan, version } = subscribed.priced;
      const response = await t.admin.put(
        `/v1/plans/${plan.key}/versions/${version.version}/quotas`,
        {
          quotas: [
            {
              meter: subscribed.priced.meter.key,
              window: 'hour',
              alignment: 'rolling',
              quantity: 1,
            },
            { meter: subscribed.priced.meter.key, window: 'month', quantity: 1 },
            { meter: subscribed.priced.meter.key, window: 'day', quantity: '-1' },
            {
              meter: subscribed.priced.meter.key,
              window: 'day',
              quantity: 1,
              kind: 'soft',
              overage: 'credits',
            },
          ],
        },
      );
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        {
          field: 'quotas[0].alignment',
          problem: 'rolling windows are day and week (usage is kept per hour)',
        },
        { field: 'quotas[1].window', problem: 'must be one of hour, day, week, interval' },
        { field: 'quotas[2].quantity', problem: 'must be greater than 0' },
        {
          field: 'quotas[3].overage',
          problem: 'only a hard quota refuses usage, so only a hard quota has credit pay past it',
        },
      ]);
      const meters = await t.admin.put(`/v1/plans/${plan.key}/versions/${version.version}/quotas`, {
        quotas: [
          { meter: 'no_such_meter', window: 'hour', quantity: 1 },
          { meter: unique.key, window: 'hour', quantity: 1 },
        ],
      });
      expect(meters.status).toBe(400);
      expect(meters.body.error.details).toEqual([
        { field: 'quotas[0].meter', problem: "no meter with key 'no_such_meter'" },
        {
          field: 'quotas[1].meter',
          problem: `a quota counts a sum or count meter; '${unique.key}' aggregates by unique_count`,
        },
      ]);
      // Nothing was written.
      const stored = await t.admin.get(`/v1/plans/${plan.key}/versions/${version.version}/quotas`);
      expect(stored.body).toEqual({ plan: plan.key, version: version.version, quotas: [] });
    });

    it('answers 404 for unknown customers, meters, plan versions and subscriptions, 400 for a bad version', async () => {
      const subscribed = await createSubscribedCustomer(t);
      const { plan } = subscribed.priced;
      const statuses = await Promise.all(
        [
          '/v1/customers/nobody/entitlements',
          `/v1/customers/${subscribed.customer.externalId}/entitlements/nothing`,
          `/v1/plans/${plan.key}/versions/99/quotas`,
          '/v1/plans/no_plan/versions/1/quotas',
          '/v1/subscriptions/not-a-uuid/quotas',
          '/v1/subscriptions/00000000-0000-4000-8000-000000000000/quotas',
        ].map(async (path) => (await t.admin.get(path)).status),
      );
      expect(statuses).toEqual([404, 404, 404, 404, 404, 404]);
      const bad = await t.admin.get(`/v1/plans/${plan.key}/versions/one/quotas`);
      expect(bad.status).toBe(400);
      expect(bad.body.error.details[0].field).toBe('version');
    });

    it('refuses an enforce flag that is not a boolean', async () => {
      const response = await t.admin.post('/v1/events', { events: [], enforce: 'yes' });
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        { field: 'enforce', problem: 'must be true or false' },
      ]);
    });
  });

  it('records each quota reached once per window, and lists it', async () => {
    const subscribed = await customerWithQuotas([{ window: 'hour', quantity: 10 }]);
    const hits = t.app.get(QuotaHitsService);
    await send(subscribed, ['10']);
    await send(subscribed, ['5']);
    await hits.flush();
    await send(subscribed, ['3'], { enforce: true });
    await hits.flush();
    const listed = await t.admin.get(
      `/v1/quota-hits?customerExternalId=${subscribed.customer.externalId}`,
    );
    expect(listed.status).toBe(200);
    // Reached at 12:30 with 10, raised to 15 by the next batch, then 3 refused.
    expect(listed.body.data).toEqual([
      {
        customerExternalId: subscribed.customer.externalId,
        subscriptionId: subscribed.subscription.id,
        meter: subscribed.priced.meter.key,
        window: 'hour',
        alignment: 'calendar',
        kind: 'hard',
        quantity: '10',
        windowStart: '2026-03-15T12:00:00.000Z',
        windowEnd: '2026-03-15T13:00:00.000Z',
        reachedAt: '2026-03-15T12:30:00.000Z',
        peak: '15',
        refused: '3',
      },
    ]);
    const bad = await t.admin.get('/v1/quota-hits?limit=0&since=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((detail: { field: string }) => detail.field).sort()).toEqual([
      'limit',
      'since',
    ]);
  });
});
