import request from 'supertest';
import {
  createApiKey,
  createCustomer,
  createPlan,
  createPlanWithVersion,
  createSubscribedCustomer,
  createSubscription,
  customerBody,
  planVersionBody,
  publishPlanVersion,
  PricedPlan,
  subscriptionBody,
  uniqueKey,
} from '../support/factories';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';

describe('Customers and subscriptions', () => {
  let t: TestApp;
  let readKey: string;
  const asReader = (test: request.Test) => test.set('Authorization', `Bearer ${readKey}`);
  // The test app's admin helper has no PATCH.
  const patchAsAdmin = (path: string, body: object) =>
    t.http().patch(path).set('Authorization', `Bearer ${ADMIN_KEY}`).send(body);

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-15T12:00:00Z' });
    readKey = await createApiKey(t, 'read');
  });
  afterAll(() => t.close());

  describe('customers', () => {
    it('creates the contract example and finds it by externalId', async () => {
      const body = {
        externalId: 'acme',
        name: 'Acme AI',
        email: 'billing@acme.example',
        locale: 'fr',
        currency: 'EUR',
        taxRate: '20',
        crm: { domain: 'acme.example' },
      };
      const response = await t.admin.post('/v1/customers', body);
      expect(response.status).toBe(201);
      expect(response.body).toEqual({ ...body, createdAt: expect.any(String) });
      const found = await asReader(t.http().get('/v1/customers/acme'));
      expect(found.status).toBe(200);
      expect(found.body).toEqual(response.body);
    });

    it('fills the defaults and canonicalizes the locale', async () => {
      const response = await t.admin.post('/v1/customers', {
        externalId: uniqueKey('c'),
        name: 'Minimal',
        locale: 'en-gb',
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        email: null,
        locale: 'en-GB',
        currency: null,
        taxRate: '0',
        crm: {},
      });
    });

    it('rejects bad fields naming each one', async () => {
      const response = await t.admin.post('/v1/customers', {
        externalId: 'a b',
        name: 'X',
        email: 'not-an-address',
        locale: 'english',
        currency: 'EURO',
        taxRate: '101',
        crm: { domain: 'not a domain', ownerId: '7' },
      });
      expect(response.status).toBe(400);
      const fields = response.body.error.details.map((d: { field: string }) => d.field).sort();
      expect(fields).toEqual([
        'crm.domain',
        'crm.ownerId',
        'currency',
        'email',
        'externalId',
        'locale',
        'taxRate',
      ]);
      expect(response.body.error.details).toContainEqual({
        field: 'taxRate',
        problem: 'must be a percentage from 0 to 100',
      });
    });

    it('answers 409 on a taken externalId and 404 on an unknown one', async () => {
      const customer = await createCustomer(t);
      const duplicate = await t.admin.post(
        '/v1/customers',
        customerBody({ externalId: customer.externalId }),
      );
      expect(duplicate.status).toBe(409);
      expect(duplicate.body.error.message).toContain(`'${customer.externalId}'`);
      const missing = await t.admin.get('/v1/customers/nobody');
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('not_found');
    });

    it('lists customers page by page', async () => {
      for (let i = 0; i < 5; i++) await createCustomer(t);
      const all = (await t.admin.get('/v1/customers?limit=200')).body.data.map(
        (c: { externalId: string }) => c.externalId,
      );
      expect(all.length).toBeGreaterThanOrEqual(5);

      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
        const page = await asReader(t.http().get(`/v1/customers${query}`));
        expect(page.status).toBe(200);
        expect(page.body.data.length).toBeLessThanOrEqual(2);
        walked.push(...page.body.data.map((c: { externalId: string }) => c.externalId));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(walked).toEqual(all);
      expect([...walked].sort()).toEqual(walked);
    });

    it('rejects a bad limit or cursor', async () => {
      const limit = await t.admin.get('/v1/customers?limit=0');
      expect(limit.status).toBe(400);
      expect(limit.body.error.details).toEqual([
        { field: 'limit', problem: 'must be a whole number from 1 to 200' },
      ]);
      const cursor = await t.admin.get('/v1/customers?cursor=!!!');
      expect(cursor.status).toBe(400);
      expect(cursor.body.error.details[0].field).toBe('cursor');
    });

    it('updates name, email, locale, taxRate and merges CRM fields', async () => {
      const customer = await createCustomer(t, {
        crm: { domain: 'old.example', hubspotCompanyId: '42' },
      });
      const response = await patchAsAdmin(`/v1/customers/${customer.externalId}`, {
        name: 'Renamed',
        email: null,
        locale: 'sv',
        taxRate: '25',
        crm: { domain: 'new.example', hubspotCompanyId: null, salesforceAccountId: '001XYZ' },
      });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        ...customer,
        name: 'Renamed',
        email: null,
        locale: 'sv',
        taxRate: '25',
        crm: { domain: 'new.example', salesforceAccountId: '001XYZ' },
      });
      expect((await t.admin.get(`/v1/customers/${customer.externalId}`)).body).toEqual(
        response.body,
      );

      const unchanged = await patchAsAdmin(`/v1/customers/${customer.externalId}`, {});
      expect(unchanged.body).toEqual(response.body);
    });

    it('refuses to change the currency or externalId, answers 404 for an unknown customer and 403 for a read key', async () => {
      const customer = await createCustomer(t, { currency: 'USD' });
      const response = await patchAsAdmin(`/v1/customers/${customer.externalId}`, {
        currency: 'EUR',
        externalId: 'x',
      });
      expect(response.status).toBe(400);
      expect(response.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'currency',
        'externalId',
      ]);
      expect((await patchAsAdmin('/v1/customers/nobody', { name: 'X' })).status).toBe(404);
      const forbidden = await asReader(t.http().patch(`/v1/customers/${customer.externalId}`)).send(
        { name: 'X' },
      );
      expect(forbidden.status).toBe(403);
      expect(
        (await t.http().patch(`/v1/customers/${customer.externalId}`).send({ name: 'X' })).status,
      ).toBe(401);
    });

    it('needs a key (401) and the admin scope to create (403)', async () => {
      expect((await t.http().post('/v1/customers').send(customerBody())).status).toBe(401);
      expect((await t.http().get('/v1/customers')).status).toBe(401);
      expect((await asReader(t.http().post('/v1/customers')).send(customerBody())).status).toBe(
        403,
      );
    });
  });

  describe('subscriptions', () => {
    let priced: PricedPlan;

    beforeAll(async () => {
      priced = await createPlanWithVersion(t);
    });

    it('subscribes to the live version with the defaults', async () => {
      const customer = await createCustomer(t);
      const response = await t.admin.post('/v1/subscriptions', {
        customerExternalId: customer.externalId,
        plan: priced.plan.key,
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        customerExternalId: customer.externalId,
        plan: priced.plan.key,
        version: 1,
        startDate: '2026-03-15T12:00:00.000Z', // the test clock's now
        endDate: null,
        billingCadence: { unit: 'month', count: 1, anchorDay: null },
        // A customer without a currency of its own bills in the plan's.
        currency: 'USD',
        // A licence fee left out is billed once.
        licenceQuantities: { [priced.licensedItem.key]: '1' },
        pendingPlanChange: null,
        createdAt: expect.any(String),
      });
      const found = await asReader(t.http().get(`/v1/subscriptions/${response.body.id}`));
      expect(found.status).toBe(200);
      expect(found.body).toEqual(response.body);
    });

    it('subscribes to a named version with the contract example body', async () => {
      const customer = await createCustomer(t);
      await publishPlanVersion(
        t,
        priced.plan.key,
        planVersionBody({ licensedItem: priced.licensedItem.key }, { live: false }),
      );
      const response = await t.admin.post('/v1/subscriptions', {
        customerExternalId: customer.externalId,
        plan: priced.plan.key,
        version: 2,
        startDate: '2026-01-01T00:00:00Z',
        endDate: '2027-01-01T00:00:00Z',
        billingCadence: { unit: 'quarter', count: 1, anchorDay: 1 },
        licenceQuantities: { [priced.licensedItem.key]: 3 },
      });
      expect(response.status).toBe(201);
      expect(response.body).toMatchObject({
        version: 2,
        startDate: '2026-01-01T00:00:00.000Z',
        endDate: '2027-01-01T00:00:00.000Z',
        billingCadence: { unit: 'quarter', count: 1, anchorDay: 1 },
        licenceQuantities: { [priced.licensedItem.key]: '3' },
      });
    });

    it('lists a customer’s subscriptions', async () => {
      const { customer, subscription } = await createSubscribedCustomer(t);
      const second = await createSubscription(t, {
        customerExternalId: customer.externalId,
        plan: priced.plan.key,
      });
      const listed = await asReader(
        t.http().get(`/v1/customers/${customer.externalId}/subscriptions`),
      );
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((s: { id: string }) => s.id).sort()).toEqual(
        [subscription.id, second.id].sort(),
      );
      expect((await t.admin.get('/v1/customers/nobody/subscriptions')).status).toBe(404);
    });

    it('answers 404 for unknown and malformed ids', async () => {
      for (const id of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid', "1' OR '1'='1"]) {
        const response = await t.admin.get(`/v1/subscriptions/${encodeURIComponent(id)}`);
        expect(response.status).toBe(404);
        expect(response.body.error.code).toBe('not_found');
      }
    });

    it('names the field of an unknown customer, plan or version', async () => {
      const customer = await createCustomer(t);
      const cases: Array<[object, { field: string; problem: string }]> = [
        [
          subscriptionBody('nobody', priced.plan.key),
          { field: 'customerExternalId', problem: "no customer with externalId 'nobody'" },
        ],
        [
          subscriptionBody(customer.externalId, 'no_plan'),
          { field: 'plan', problem: "no plan with key 'no_plan'" },
        ],
        [
          subscriptionBody(customer.externalId, priced.plan.key, { version: 99 }),
          { field: 'version', problem: `plan '${priced.plan.key}' has no version 99` },
        ],
      ];
      for (const [body, detail] of cases) {
        const response = await t.admin.post('/v1/subscriptions', body);
        expect(response.status).toBe(400);
        expect(response.body.error.details).toEqual([detail]);
      }
    });

    it('asks for a version when the plan has no live one', async () => {
      const customer = await createCustomer(t);
      const plan = await createPlan(t);
      await publishPlanVersion(t, plan.key, planVersionBody({}, { live: false }));
      const response = await t.admin.post(
        '/v1/subscriptions',
        subscriptionBody(customer.externalId, plan.key),
      );
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        { field: 'version', problem: `plan '${plan.key}' has no live version: name a version` },
      ]);
      const named = await t.admin.post(
        '/v1/subscriptions',
        subscriptionBody(customer.externalId, plan.key, { version: 1 }),
      );
      expect(named.status).toBe(201);
    });

    it('refuses licence quantities for items the version does not charge', async () => {
      const customer = await createCustomer(t);
      const response = await t.admin.post(
        '/v1/subscriptions',
        subscriptionBody(customer.externalId, priced.plan.key, {
          licenceQuantities: { seats: '5' },
        }),
      );
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        {
          field: 'licenceQuantities.seats',
          problem: `is not a licence fee of plan '${priced.plan.key}' version 1 (it has: ${priced.licensedItem.key})`,
        },
      ]);
    });

    it('refuses a billing cadence shorter than the service interval', async () => {
      const customer = await createCustomer(t);
      const quarterly = await createPlanWithVersion(t, {
        version: { serviceInterval: { unit: 'quarter', count: 1 } },
      });
      const monthly = await t.admin.post(
        '/v1/subscriptions',
        subscriptionBody(customer.externalId, quarterly.plan.key),
      );
      expect(monthly.status).toBe(400);
      expect(monthly.body.error.details).toEqual([
        {
          field: 'billingCadence',
          problem: `must not be shorter than the service interval of plan '${quarterly.plan.key}' version 1 (1 quarter)`,
        },
      ]);
      const sameLength = await t.admin.post(
        '/v1/subscriptions',
        subscriptionBody(customer.externalId, quarterly.plan.key, {
          billingCadence: { unit: 'month', count: 3 },
        }),
      );
      expect(sameLength.status).toBe(201);
    });

    it('rejects bad cadences, dates and quantities naming each field', async () => {
      const customer = await createCustomer(t);
      const response = await t.admin.post('/v1/subscriptions', {
        customerExternalId: customer.externalId,
        plan: priced.plan.key,
        startDate: 'yesterday',
        billingCadence: { unit: 'week', count: 0, anchorDay: 32 },
        licenceQuantities: { [priced.licensedItem.key]: '-1' },
      });
      expect(response.status).toBe(400);
      expect(response.body.error.details.map((d: { field: string }) => d.field).sort()).toEqual([
        'billingCadence.anchorDay',
        'billingCadence.count',
        'billingCadence.unit',
        `licenceQuantities.${priced.licensedItem.key}`,
        'startDate',
      ]);
      const backwards = await t.admin.post(
        '/v1/subscriptions',
        subscriptionBody(customer.externalId, priced.plan.key, { endDate: '2026-02-01T00:00:00Z' }),
      );
      expect(backwards.body.error.details).toEqual([
        { field: 'endDate', problem: 'must be after startDate' },
      ]);
    });

    it('creates nothing on a retry with the same Idempotency-Key', async () => {
      const customer = await createCustomer(t);
      const body = subscriptionBody(customer.externalId, priced.plan.key);
      const first = await t.admin
        .post('/v1/subscriptions', body)
        .set('Idempotency-Key', 'signup-42');
      expect(first.status).toBe(201);
      const retry = await t.admin
        .post('/v1/subscriptions', body)
        .set('Idempotency-Key', 'signup-42');
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);

      const listed = await t.admin.get(`/v1/customers/${customer.externalId}/subscriptions`);
      expect(listed.body.data).toHaveLength(1);
    });

    it('creates one subscription for concurrent requests with the same Idempotency-Key', async () => {
      const customer = await createCustomer(t);
      const body = subscriptionBody(customer.externalId, priced.plan.key);
      const responses = await Promise.all(
        Array.from({ length: 6 }, () =>
          t.admin.post('/v1/subscriptions', body).set('Idempotency-Key', 'race-1'),
        ),
      );
      expect(responses.map((r) => r.status)).toEqual(Array(6).fill(201));
      expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
      const listed = await t.admin.get(`/v1/customers/${customer.externalId}/subscriptions`);
      expect(listed.body.data).toHaveLength(1);
    });

    it('rejects a malformed Idempotency-Key', async () => {
      const customer = await createCustomer(t);
      const response = await t.admin
        .post('/v1/subscriptions', subscriptionBody(customer.externalId, priced.plan.key))
        .set('Idempotency-Key', 'has space');
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        { field: 'Idempotency-Key', problem: 'must be 1-255 visible ASCII characters' },
      ]);
    });

    it('needs a key (401) and the admin scope to subscribe (403)', async () => {
      const customer = await createCustomer(t);
      const body = subscriptionBody(customer.externalId, priced.plan.key);
      expect((await t.http().post('/v1/subscriptions').send(body)).status).toBe(401);
      expect((await asReader(t.http().post('/v1/subscriptions')).send(body)).status).toBe(403);
      expect(
        (await t.http().get('/v1/subscriptions/00000000-0000-0000-0000-000000000000')).status,
      ).toBe(401);
    });
  });
});
