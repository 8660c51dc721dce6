import request from 'supertest';
import { RateInput } from '../../src/catalog/dto/rate.schema';
import {
  createApiKey,
  createBillableItem,
  createMeter,
  createPlan,
  licensedItemBody,
  meterBody,
  meteredItemBody,
  planBody,
  planVersionBody,
  publishPlanVersion,
  uniqueKey,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('Catalog: meters, billable items, plans and versions', () => {
  let t: TestApp;
  let readKey: string;
  const asReader = (test: request.Test) => test.set('Authorization', `Bearer ${readKey}`);

  beforeAll(async () => {
    t = await startTestApp();
    readKey = await createApiKey(t, 'read');
  });
  afterAll(() => t.close());

  describe('meters', () => {
    it('creates a meter, lists it and finds it by key', async () => {
      const body = {
        key: 'llm_tokens',
        name: 'LLM tokens',
        aggregation: 'sum',
        unit: 'token',
        dimensions: ['model', 'region'],
      };
      const response = await t.admin.post('/v1/meters', body);
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ ...body, createdAt: expect.any(String) });

      const listed = await asReader(t.http().get('/v1/meters'));
      expect(listed.status).toBe(200);
      expect(listed.body.data).toContainEqual(response.body);
      const found = await asReader(t.http().get('/v1/meters/llm_tokens'));
      expect(found.body).toEqual(response.body);
    });

    it('defaults dimensions to none and unit to null', async () => {
      const response = await t.admin.post('/v1/meters', {
        key: uniqueKey('calls'),
        name: 'Calls',
        aggregation: 'count',
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({ aggregation: 'count', unit: null, dimensions: [] });
    });

    it('answers 404 for an unknown meter key', async () => {
      const response = await t.admin.get('/v1/meters/nope');
      expect(response.status).toBe(404);
      expect(response.body.error).toEqual({
        code: 'not_found',
        message: "no meter with key 'nope'",
      });
    });

    it('answers 409 naming the key when the key is taken', async () => {
      const meter = await createMeter(t);
      const response = await t.admin.post('/v1/meters', meterBody({ key: meter.key }));
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('conflict');
      expect(response.body.error.message).toContain(`'${meter.key}'`);
    });

    it('rejects a bad meter naming each field', async () => {
      const response = await t.admin.post('/v1/meters', {
        key: 'has space',
        name: '',
        aggregation: 'avg',
        dimensions: ['model', 'model'],
        colour: 'red',
      });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
      const fields = response.body.error.details.map((d: { field: string }) => d.field);
      expect(fields.sort()).toEqual(['aggregation', 'colour', 'dimensions[1]', 'key', 'name']);
      expect(response.body.error.details).toContainEqual({
        field: 'aggregation',
        problem: 'must be one of sum, count, max, last, unique_count',
      });
    });

    it('needs a key (401) and the admin scope to create (403)', async () => {
      expect((await t.http().post('/v1/meters').send(meterBody())).status).toBe(401);
      expect((await t.http().get('/v1/meters')).status).toBe(401);
      const forbidden = await asReader(t.http().post('/v1/meters')).send(meterBody());
      expect(forbidden.status).toBe(403);
      expect(forbidden.body.error.code).toBe('forbidden');
    });
  });

  describe('billable items', () => {
    it('creates metered (with a filter) and licensed items and lists them', async () => {
      const meter = await createMeter(t);
      const metered = await t.admin.post('/v1/billable-items', {
        key: 'gpt4o_tokens',
        name: 'GPT-4o tokens',
        kind: 'metered',
        meter: meter.key,
        filter: { model: 'gpt-4o' },
      });
      expect(metered.status).toBe(201);
      expect(metered.body).toEqual({
        key: 'gpt4o_tokens',
        name: 'GPT-4o tokens',
        kind: 'metered',
        meter: meter.key,
        filter: { model: 'gpt-4o' },
        createdAt: expect.any(String),
      });
      const licensed = await t.admin.post('/v1/billable-items', {
        key: 'platform_fee',
        name: 'Platform fee',
        kind: 'licensed',
      });
      expect(licensed.status).toBe(201);
      expect(licensed.body).toMatchObject({ kind: 'licensed', meter: null, filter: {} });

      const listed = await asReader(t.http().get('/v1/billable-items'));
      expect(listed.body.data).toEqual(expect.arrayContaining([metered.body, licensed.body]));
      expect((await t.admin.get('/v1/billable-items/platform_fee')).body).toEqual(licensed.body);
      expect((await t.admin.get('/v1/billable-items/nope')).status).toBe(404);
    });

    it('rejects an unknown meter naming the field', async () => {
      const response = await t.admin.post('/v1/billable-items', meteredItemBody('no_such_meter'));
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        { field: 'meter', problem: "no meter with key 'no_such_meter'" },
      ]);
    });

    it('accepts filters only on declared dimensions, with string values', async () => {
      const meter = await createMeter(t, { dimensions: ['model'] });
      const undeclared = await t.admin.post(
        '/v1/billable-items',
        meteredItemBody(meter.key, { filter: { colour: 'red' } }),
      );
      expect(undeclared.status).toBe(400);
      expect(undeclared.body.error.details).toEqual([
        {
          field: 'filter.colour',
          problem: `is not a dimension of meter '${meter.key}' (it declares: model)`,
        },
      ]);
      const notString = await t.admin.post('/v1/billable-items', {
        ...meteredItemBody(meter.key),
        filter: { model: 4 },
      });
      expect(notString.status).toBe(400);
      expect(notString.body.error.details).toEqual([
        { field: 'filter.model', problem: 'must be a string' },
      ]);
    });

    it('refuses a meter or filter on a licensed item, and an unknown kind', async () => {
      const meter = await createMeter(t);
      const withMeter = await t.admin.post('/v1/billable-items', {
        ...licensedItemBody(),
        meter: meter.key,
      });
      expect(withMeter.status).toBe(400);
      expect(withMeter.body.error.details).toEqual([
        { field: 'meter', problem: 'must not be set: a licensed item has no meter' },
      ]);
      const badKind = await t.admin.post('/v1/billable-items', {
        ...licensedItemBody(),
        kind: 'seat',
      });
      expect(badKind.body.error.details).toEqual([
        { field: 'kind', problem: 'must be one of metered, licensed' },
      ]);
    });

    it('answers 409 when the key is taken, and 403 for a read key', async () => {
      const item = await createBillableItem(t, licensedItemBody());
      const duplicate = await t.admin.post(
        '/v1/billable-items',
        licensedItemBody({ key: item.key }),
      );
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.error.message).toContain(`'${item.key}'`);
      expect(
        (await asReader(t.http().post('/v1/billable-items')).send(licensedItemBody())).status,
      ).toBe(403);
      expect((await t.http().get('/v1/billable-items')).status).toBe(401);
    });
  });

  describe('plans and versions', () => {
    it('creates a plan without versions', async () => {
      const response = await t.admin.post('/v1/plans', {
        key: 'starter',
        name: 'Starter',
        currency: 'EUR',
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        key: 'starter',
        name: 'Starter',
        currency: 'EUR',
        liveVersion: null,
        versions: [],
        createdAt: expect.any(String),
      });
      const listed = await asReader(t.http().get('/v1/plans'));
      expect(listed.body.data).toContainEqual({
        key: 'starter',
        name: 'Starter',
        currency: 'EUR',
        liveVersion: null,
        createdAt: response.body.createdAt,
      });
    });

    it('rejects a bad currency, answers 409 on a taken key and 404 on an unknown one', async () => {
      const bad = await t.admin.post('/v1/plans', planBody({ currency: 'usd' }));
      expect(bad.status).toBe(400);
      expect(bad.body.error.details).toEqual([
        { field: 'currency', problem: 'must be an ISO 4217 currency code such as "USD"' },
      ]);
      const plan = await createPlan(t);
      const duplicate = await t.admin.post('/v1/plans', planBody({ key: plan.key }));
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.error.message).toContain(`'${plan.key}'`);
      expect((await t.admin.get('/v1/plans/nope')).status).toBe(404);
      expect((await t.admin.post('/v1/plans/nope/versions', planVersionBody())).status).toBe(404);
      expect((await t.admin.put('/v1/plans/nope/live-version', { version: 1 })).status).toBe(404);
    });

    it('publishes the contract example and shows it on the plan', async () => {
      await createMeter(t, { key: 'api_tokens', dimensions: ['model'] });
      await createBillableItem(
        t,
        meteredItemBody('api_tokens', { key: 'api_gpt4o', filter: { model: 'gpt-4o' } }),
      );
      await createBillableItem(t, licensedItemBody({ key: 'api_platform_fee' }));
      await createPlan(t, { key: 'pro', currency: 'USD' });

      const response = await t.admin.post('/v1/plans/pro/versions', {
        live: true,
        serviceInterval: { unit: 'month', count: 1 },
        rates: [
          {
            billableItem: 'api_gpt4o',
            rate: {
              model: 'graduated',
              tiers: [
                { upTo: '1000000', unitAmount: '0', flatAmount: '0' },
                { upTo: null, unitAmount: '0.000002' },
              ],
            },
          },
        ],
        licenceFees: [{ billableItem: 'api_platform_fee', unitAmount: '49.00' }],
        creditGrants: [
          {
            name: 'Monthly credit',
            amount: '10.00',
            appliesTo: ['api_gpt4o'],
            expiresAfterIntervals: 1,
          },
        ],
        limits: [{ meter: 'api_tokens', quantity: '1000000' }],
      });
      expect(response.status).toBe(201);
      const expectedVersion = {
        plan: 'pro',
        version: 1,
        live: true,
        serviceInterval: { unit: 'month', count: 1 },
        currencies: null,
        rates: [
          {
            billableItem: 'api_gpt4o',
            rate: {
              model: 'graduated',
              tiers: [
                { upTo: '1000000', unitAmount: '0', flatAmount: '0' },
                { upTo: null, unitAmount: '0.000002', flatAmount: '0' },
              ],
            },
          },
        ],
        // Amounts come back in plain notation without trailing zeros: "49.00" → "49".
        licenceFees: [{ billableItem: 'api_platform_fee', unitAmount: '49' }],
        creditGrants: [
          {
            name: 'Monthly credit',
            amount: '10',
            appliesTo: ['api_gpt4o'],
            expiresAfterIntervals: 1,
            rollover: null,
          },
        ],
        limits: [{ meter: 'api_tokens', quantity: '1000000' }],
        // no commitment: the field is null (issue 10)
        commitment: null,
        prepaidBlocks: [],
        createdAt: expect.any(String),
      };
      expect(response.body).toEqual(expectedVersion);

      const plan = await asReader(t.http().get('/v1/plans/pro'));
      expect(plan.status).toBe(200);
      expect(plan.body).toMatchObject({ key: 'pro', liveVersion: 1, versions: [expectedVersion] });
    });

    it('stores every rate model with its defaults, and quantities sent as numbers', async () => {
      const meter = await createMeter(t);
      const items = await Promise.all(
        [1, 2, 3, 4, 5].map(() => createBillableItem(t, meteredItemBody(meter.key))),
      );
      const rates: RateInput[] = [
        { model: 'per_unit', unitAmount: '0.000125' },
        { model: 'package', packageSize: 1000, packageAmount: '5' },
        {
          model: 'volume',
          tiers: [
            { upTo: '100', unitAmount: '1' },
            { upTo: null, unitAmount: '0.8', flatAmount: '2.50' },
          ],
        },
        {
          model: 'graduated',
          tiers: [
            { upTo: 10, flatAmount: '1' },
            { upTo: null, unitAmount: '0.5' },
          ],
        },
        { model: 'percentage', rate: '2.5', fixedAmount: '0.10', maxPerEvent: '20' },
      ];
      const plan = await createPlan(t);
      const version = await publishPlanVersion(t, plan.key, {
        rates: items.map((item, i) => ({ billableItem: item.key, rate: rates[i] })),
      });
      expect(version.rates.map((entry) => entry.rate)).toEqual([
        { model: 'per_unit', unitAmount: '0.000125' },
        { model: 'package', packageSize: '1000', packageAmount: '5', rounding: 'up' },
        {
          model: 'volume',
          tiers: [
            { upTo: '100', unitAmount: '1', flatAmount: '0' },
            { upTo: null, unitAmount: '0.8', flatAmount: '2.5' },
          ],
        },
        {
          model: 'graduated',
          tiers: [
            { upTo: '10', unitAmount: '0', flatAmount: '1' },
            { upTo: null, unitAmount: '0.5', flatAmount: '0' },
          ],
        },
        {
          model: 'percentage',
          rate: '2.5',
          fixedAmount: '0.1',
          freeEvents: '0',
          freeAmount: '0',
          minPerEvent: null,
          maxPerEvent: '20',
        },
      ]);
      // Defaults of a version: live, a monthly service interval, nothing else.
      expect(version).toMatchObject({
        live: true,
        serviceInterval: { unit: 'month', count: 1 },
        licenceFees: [],
        limits: [],
      });
      const stored = await t.admin.get(`/v1/plans/${plan.key}`);
      expect(stored.body.versions[0].rates).toEqual(version.rates);
    });

    it('numbers versions 1, 2, 3 and switches the live version', async () => {
      const plan = await createPlan(t);
      const first = await publishPlanVersion(t, plan.key, planVersionBody());
      const second = await publishPlanVersion(t, plan.key, planVersionBody({}, { live: false }));
      const third = await publishPlanVersion(
        t,
        plan.key,
        planVersionBody({}, { serviceInterval: { unit: 'week', count: 2 } }),
      );
      expect([first.version, second.version, third.version]).toEqual([1, 2, 3]);
      expect([first.live, second.live, third.live]).toEqual([true, false, true]);

      let shown = await t.admin.get(`/v1/plans/${plan.key}`);
      expect(shown.body.liveVersion).toBe(3);
      expect(
        shown.body.versions.map((v: { version: number; live: boolean }) => [v.version, v.live]),
      ).toEqual([
        [1, false],
        [2, false],
        [3, true],
      ]);
      expect(shown.body.versions[2].serviceInterval).toEqual({ unit: 'week', count: 2 });

      const switched = await t.admin.put(`/v1/plans/${plan.key}/live-version`, { version: 2 });
      expect(switched.status).toBe(200);
      expect(switched.body.liveVersion).toBe(2);
      shown = await t.admin.get(`/v1/plans/${plan.key}`);
      expect(shown.body.liveVersion).toBe(2);
      expect(shown.body.versions.map((v: { live: boolean }) => v.live)).toEqual([
        false,
        true,
        false,
      ]);

      const unknown = await t.admin.put(`/v1/plans/${plan.key}/live-version`, { version: 9 });
      expect(unknown.status).toBe(400);
      expect(unknown.body.error.details).toEqual([
        { field: 'version', problem: `plan '${plan.key}' has no version 9` },
      ]);
      const malformed = await t.admin.put(`/v1/plans/${plan.key}/live-version`, { version: '2' });
      expect(malformed.status).toBe(400);
      expect(malformed.body.error.details[0].field).toBe('version');
      expect(
        (await asReader(t.http().put(`/v1/plans/${plan.key}/live-version`)).send({ version: 1 }))
          .status,
      ).toBe(403);
    });

    it('gives concurrent publications distinct consecutive numbers', async () => {
      const plan = await createPlan(t);
      const responses = await Promise.all(
        Array.from({ length: 8 }, () =>
          t.admin.post(`/v1/plans/${plan.key}/versions`, planVersionBody()),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
      const numbers = responses.map((r) => r.body.version as number).sort((a, b) => a - b);
      expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
      const shown = await t.admin.get(`/v1/plans/${plan.key}`);
      expect(shown.body.versions).toHaveLength(8);
    });

    it('rejects bad tiers with the contract field path', async () => {
      const meter = await createMeter(t);
      const item = await createBillableItem(t, meteredItemBody(meter.key));
      const plan = await createPlan(t);
      const response = await t.admin.post(`/v1/plans/${plan.key}/versions`, {
        rates: [
          {
            billableItem: item.key,
            rate: { model: 'graduated', tiers: [{ upTo: '100' }, { upTo: '50' }, { upTo: null }] },
          },
        ],
      });
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        {
          field: 'rates[0].rate.tiers[1].upTo',
          problem: "must be greater than the previous tier's upTo",
        },
      ]);
    });

    it('reports every unknown or misplaced reference with its field, and writes nothing', async () => {
      const meter = await createMeter(t);
      const metered = await createBillableItem(t, meteredItemBody(meter.key));
      const licensed = await createBillableItem(t, licensedItemBody());
      const plan = await createPlan(t);
      const response = await t.admin.post(`/v1/plans/${plan.key}/versions`, {
        rates: [
          { billableItem: 'ghost_item', rate: { model: 'per_unit', unitAmount: '1' } },
          { billableItem: licensed.key, rate: { model: 'per_unit', unitAmount: '1' } },
        ],
        licenceFees: [{ billableItem: metered.key, unitAmount: '10' }],
        creditGrants: [{ name: 'Credit', amount: '5', appliesTo: [metered.key, 'ghost_item'] }],
        limits: [{ meter: 'ghost_meter', quantity: '10' }],
      });
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        { field: 'rates[0].billableItem', problem: "no billable item with key 'ghost_item'" },
        {
          field: 'rates[1].billableItem',
          problem: `billable item '${licensed.key}' is licensed: it belongs under licenceFees`,
        },
        {
          field: 'licenceFees[0].billableItem',
          problem: `billable item '${metered.key}' is metered: it belongs under rates`,
        },
        {
          field: 'creditGrants[0].appliesTo[1]',
          problem: "no billable item with key 'ghost_item'",
        },
        { field: 'limits[0].meter', problem: "no meter with key 'ghost_meter'" },
      ]);
      const shown = await t.admin.get(`/v1/plans/${plan.key}`);
      expect(shown.body).toMatchObject({ liveVersion: null, versions: [] });
      // The failed attempt used up no number.
      expect((await publishPlanVersion(t, plan.key, planVersionBody())).version).toBe(1);
    });

    it('rejects wrong types, duplicates and unknown fields in a version', async () => {
      const meter = await createMeter(t);
      const item = await createBillableItem(t, meteredItemBody(meter.key));
      const plan = await createPlan(t);
      const response = await t.admin.post(`/v1/plans/${plan.key}/versions`, {
        live: 'yes',
        serviceInterval: { unit: 'fortnight', count: 0 },
        rates: [
          { billableItem: item.key, rate: { model: 'per_unit', unitAmount: 0.5 } },
          { billableItem: item.key, rate: { model: 'per_unit', unitAmount: '-1' } },
        ],
        limits: [{ meter: meter.key, quantity: '0' }],
        discount: '10',
      });
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual(
        expect.arrayContaining([
          { field: 'live', problem: 'must be true or false' },
          {
            field: 'serviceInterval.unit',
            problem: 'must be one of hour, day, week, month, quarter, year',
          },
          { field: 'serviceInterval.count', problem: 'must be at least 1' },
          {
            field: 'rates[0].rate.unitAmount',
            problem: 'must be a decimal string such as "12.50"',
          },
          { field: 'rates[1].rate.unitAmount', problem: 'must not be negative' },
          { field: 'limits[0].quantity', problem: 'must be greater than 0' },
          { field: 'discount', problem: 'is not a known field' },
        ]),
      );
      const duplicate = await t.admin.post(`/v1/plans/${plan.key}/versions`, {
        rates: [
          { billableItem: item.key, rate: { model: 'per_unit', unitAmount: '1' } },
          { billableItem: item.key, rate: { model: 'per_unit', unitAmount: '2' } },
        ],
        limits: [
          { meter: meter.key, quantity: '1' },
          { meter: meter.key, quantity: '2' },
        ],
      });
      expect(duplicate.body.error.details).toEqual([
        { field: 'rates[1].billableItem', problem: `'${item.key}' is listed more than once` },
        { field: 'limits[1].meter', problem: `'${meter.key}' is listed more than once` },
      ]);
    });

    it('needs a key (401) and the admin scope (403) to publish', async () => {
      const plan = await createPlan(t);
      expect(
        (await t.http().post(`/v1/plans/${plan.key}/versions`).send(planVersionBody())).status,
      ).toBe(401);
      expect(
        (await asReader(t.http().post(`/v1/plans/${plan.key}/versions`)).send(planVersionBody()))
          .status,
      ).toBe(403);
      expect((await asReader(t.http().post('/v1/plans')).send(planBody())).status).toBe(403);
      expect((await asReader(t.http().get(`/v1/plans/${plan.key}`))).status).toBe(200);
    });
  });
});
