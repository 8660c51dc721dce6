import { DataSource } from 'typeorm';
import { Aggregation } from '../../src/catalog/dto/meter.schema';
import { aggregateUsage } from '../../src/metering/usage.repository';
import {
  createApiKey,
  createCustomer,
  createMeter,
  createPlan,
  createSubscription,
  PlanVersionBody,
  planVersionBody,
  publishPlanVersion,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { MeteringTables } from './usage-fixtures';

describe('GET /v1/customers/{externalId}/usage', () => {
  let t: TestApp;
  let tables: MeteringTables;
  let customer: { id: string; externalId: string };
  let tokens: { id: string; key: string };
  let calls: { id: string; key: string };
  let users: { id: string; key: string };
  let peak: { id: string; key: string };
  let seats: { id: string; key: string };
  let monthly: string;
  let daily: string;

  const meter = async (aggregation: Aggregation, dimensions: string[] = []) => {
    const { key } = await createMeter(t, { aggregation, dimensions });
    return { key, id: await tables.meterId(key) };
  };

  /** A plan of its own with these limits and service interval, and a subscription of the customer to it. */
  const subscribe = async (
    period: { start: string; end?: string },
    version: Pick<PlanVersionBody, 'serviceInterval' | 'limits'> = {},
  ): Promise<string> => {
    const plan = await createPlan(t);
    await publishPlanVersion(t, plan.key, planVersionBody({}, version));
    const subscription = await createSubscription(t, {
      customerExternalId: customer.externalId,
      plan: plan.key,
      startDate: period.start,
      endDate: period.end ?? null,
    });
    return subscription.id;
  };

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-15T12:00:00Z' });
    tables = new MeteringTables(t);
    tokens = await meter('sum', ['model']);
    calls = await meter('count');
    users = await meter('unique_count', ['region']);
    peak = await meter('max', ['region']);
    seats = await meter('last');
    const { externalId } = await createCustomer(t);
    customer = { externalId, id: await tables.customerId(externalId) };
    // Starts at 10:30: its intervals run from 10:00, the start floored to the hour.
    monthly = await subscribe(
      { start: '2026-03-01T10:30:00Z' },
      {
        limits: [
          { meter: tokens.key, quantity: '1000000' },
          { meter: calls.key, quantity: '100' },
          { meter: seats.key, quantity: '10' },
        ],
      },
    );
    daily = await subscribe(
      { start: '2026-03-10T00:00:00Z' },
      {
        serviceInterval: { unit: 'day', count: 1 },
        limits: [{ meter: tokens.key, quantity: '4000' }],
      },
    );
    await subscribe({ start: '2026-01-01T00:00:00Z', end: '2026-03-01T00:00:00Z' });
    await subscribe({ start: '2026-04-01T00:00:00Z' });

    const c = customer.externalId;
    let n = 0;
    const e = (
      meter: string,
      timestamp: string,
      value?: string,
      dimensions?: Record<string, string>,
    ) => ({
      id: `usage_${++n}`,
      customerExternalId: c,
      meter,
      timestamp,
      value,
      dimensions,
    });
    const response = await t.admin.post('/v1/events', {
      events: [
        e(tokens.key, '2026-02-28T09:00:00Z', '999', { model: 'gpt-4o' }), // before both intervals
        e(tokens.key, '2026-03-01T10:15:00Z', '12000', { model: 'gpt-4o' }), // in the start's hour
        e(tokens.key, '2026-03-10T08:00:00Z', '500000', { model: 'gpt-4o' }),
        e(tokens.key, '2026-03-12T08:00:00Z', '300000', { model: 'mini' }),
        e(tokens.key, '2026-03-15T11:00:00Z', '1000', { model: 'gpt-4o' }),
        e(calls.key, '2026-03-02T00:00:00Z'),
        e(calls.key, '2026-03-03T00:00:00Z'),
        e(calls.key, '2026-03-15T11:59:59Z'),
        e(users.key, '2026-03-05T01:00:00Z', 'u1', { region: 'eu' }),
        e(users.key, '2026-03-05T01:30:00Z', 'u2', { region: 'eu' }),
        e(users.key, '2026-03-06T01:00:00Z', 'u1', { region: 'us' }),
        e(peak.key, '2026-03-05T01:00:00Z', '7.5', { region: 'eu' }),
        e(peak.key, '2026-03-06T01:00:00Z', '3', { region: 'us' }),
      ],
    });
    expect(response.body).toEqual({ accepted: 13, duplicates: 0, rejected: [] });
  });
  afterAll(() => t.close());

  it('reports the current service interval of each active subscription, with limits and dimensions', async () => {
    const response = await t.admin.get(`/v1/customers/${customer.externalId}/usage`);
    expect(response.status).toBe(200);
    expect(
      response.body.subscriptions.map((s: { subscriptionId: string }) => s.subscriptionId),
    ).toEqual([monthly, daily]);
    const [month, day] = response.body.subscriptions;
    expect([month.intervalStart, month.intervalEnd]).toEqual([
      '2026-03-01T10:00:00.000Z',
      '2026-04-01T10:00:00.000Z',
    ]);
    expect(month.meters).toEqual(
      [
        {
          meter: calls.key,
          quantity: '3',
          limit: '100',
          percentOfLimit: '3',
          byDimensions: [{ dimensions: {}, quantity: '3' }],
        },
        {
          meter: peak.key,
          quantity: '7.5',
          limit: null,
          percentOfLimit: null,
          byDimensions: [
            { dimensions: { region: 'eu' }, quantity: '7.5' },
            { dimensions: { region: 'us' }, quantity: '3' },
          ],
        },
        // a limited meter without usage
        { meter: seats.key, quantity: '0', limit: '10', percentOfLimit: '0', byDimensions: [] },
        {
          // 12000 + 500000 + 300000 + 1000 = 813000 of 1000000 = 81.3 %
          meter: tokens.key,
          quantity: '813000',
          limit: '1000000',
          percentOfLimit: '81.3',
          byDimensions: [
            { dimensions: { model: 'gpt-4o' }, quantity: '513000' },
            { dimensions: { model: 'mini' }, quantity: '300000' },
          ],
        },
        {
          // u1 in two regions counts once for the meter, once in each region
          meter: users.key,
          quantity: '2',
          limit: null,
          percentOfLimit: null,
          byDimensions: [
            { dimensions: { region: 'eu' }, quantity: '2' },
            { dimensions: { region: 'us' }, quantity: '1' },
          ],
        },
      ].sort((a, b) => a.meter.localeCompare(b.meter)),
    );

    expect(day).toEqual({
      subscriptionId: daily,
      intervalStart: '2026-03-15T00:00:00.000Z',
      intervalEnd: '2026-03-16T00:00:00.000Z',
      meters: [
        {
          meter: calls.key,
          quantity: '1',
          limit: null,
          percentOfLimit: null,
          byDimensions: [{ dimensions: {}, quantity: '1' }],
        },
        {
          meter: tokens.key,
          quantity: '1000',
          limit: '4000',
          percentOfLimit: '25',
          byDimensions: [{ dimensions: { model: 'gpt-4o' }, quantity: '1000' }],
        },
      ].sort((a, b) => a.meter.localeCompare(b.meter)),
    });
  });

  it('answers 404 for an unknown customer', async () => {
    const response = await t.admin.get('/v1/customers/nobody/usage');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });

  it('lists no subscription for a customer without an active one', async () => {
    const idle = await createCustomer(t);
    expect((await t.admin.get(`/v1/customers/${idle.externalId}/usage`)).body).toEqual({
      subscriptions: [],
    });
  });

  it('needs the read scope', async () => {
    const path = `/v1/customers/${customer.externalId}/usage`;
    const ingestKey = await createApiKey(t, 'ingest');
    expect((await t.http().get(path).set('Authorization', `Bearer ${ingestKey}`)).status).toBe(403);
    const readKey = await createApiKey(t, 'read');
    expect((await t.http().get(path).set('Authorization', `Bearer ${readKey}`)).status).toBe(200);
  });

  describe('aggregateUsage (the reader invoicing uses)', () => {
    const march = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-04-01T00:00:00Z') };

    it('narrows to meters and to dimension values, like a billable item filter', async () => {
      const usage = await aggregateUsage(t.app.get(DataSource), {
        customerId: customer.id,
        ...march,
        meterIds: [tokens.id, users.id],
        dimensionFilter: { model: 'mini' },
      });
      expect(usage.map((m) => [m.meterKey, m.quantity.toFixed(), m.byDimensions.length])).toEqual([
        [tokens.key, '300000', 1],
      ]);
    });

    it('counts exactly the hours in [from, to)', async () => {
      const usage = await aggregateUsage(t.app.get(DataSource), {
        customerId: customer.id,
        from: new Date('2026-03-05T01:00:00Z'),
        to: new Date('2026-03-06T01:00:00Z'),
      });
      expect(usage.map((m) => [m.meterKey, m.quantity.toFixed()]).sort()).toEqual(
        [
          [peak.key, '7.5'],
          [users.key, '2'],
        ].sort(),
      );
    });

    it('refuses bounds that are not whole hours', async () => {
      await expect(
        aggregateUsage(t.app.get(DataSource), {
          customerId: customer.id,
          from: new Date('2026-03-01T10:30:00Z'),
          to: march.to,
        }),
      ).rejects.toThrow(RangeError);
    });
  });
});
