/**
 * Requests anyone can send that once answered 500 (found by fuzzing every
 * route): each case here is a regression test for one of them, answered with
 * a 4xx in the contract's error shape and nothing written.
 */
import { Logger } from '@nestjs/common';
import { gzipSync } from 'node:zlib';
import { Client } from 'pg';
import { createMeter, createSubscribedCustomer, uniqueKey } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('hostile input', () => {
  let t: TestApp;
  let db: Client;

  beforeAll(async () => {
    t = await startTestApp();
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  const count = async (table: string) =>
    Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

  describe('a Content-Encoding the body does not have', () => {
    it.each(['gzip', 'deflate', 'br'])(
      '%s: 401 without a key, 400 with one, and nothing logged',
      async (encoding) => {
        const logged = jest.spyOn(Logger.prototype, 'error');
        const body = JSON.stringify({ name: uniqueKey('key'), scope: 'read' });
        const anonymous = await t
          .http()
          .post('/v1/api-keys')
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', encoding)
          .send(body);
        expect(anonymous.status).toBe(401);
        expect(anonymous.body.error.code).toBe('unauthorized');

        const keys = await count('api_keys');
        const keyed = await t.admin
          .post('/v1/api-keys', body)
          .set('Content-Type', 'application/json')
          .set('Content-Encoding', encoding);
        expect(keyed.status).toBe(400);
        expect(keyed.body.error).toEqual({
          code: 'invalid_body',
          message: expect.stringContaining('Content-Encoding'),
        });
        expect(await count('api_keys')).toBe(keys);
        expect(logged).not.toHaveBeenCalled();
        logged.mockRestore();
      },
    );

    it('still reads a body that is compressed as it says', async () => {
      const name = uniqueKey('gzipped');
      const response = await t.admin
        .post('/v1/api-keys')
        .set('Content-Type', 'application/json')
        // superagent would send a Buffer as JSON of its bytes; these are the bytes.
        .serialize((bytes: Buffer) => bytes as unknown as string)
        .send(gzipSync(JSON.stringify({ name, scope: 'read' })))
        .set('Content-Encoding', 'gzip');
      expect(response.status).toBe(201);
      expect(response.body.name).toBe(name);
    });

    it('answers an unknown encoding with 415', async () => {
      const response = await t.admin
        .post('/v1/api-keys', '{}')
        .set('Content-Type', 'application/json')
        .set('Content-Encoding', 'compress');
      expect(response.status).toBe(415);
      expect(response.body.error.code).toBe('unsupported_media_type');
    });
  });

  describe('NUL and other control characters', () => {
    it.each([
      ['/v1/customers/%00', 'externalId'],
      ['/v1/customers/acme%00', 'externalId'],
      ['/v1/meters/%00', 'key'],
      ['/v1/plans/%00', 'key'],
      ['/v1/billable-items/%00', 'key'],
      ['/v1/customers/%00/usage', 'externalId'],
      ['/v1/customers/%00/subscriptions', 'externalId'],
      ['/v1/customers/%00/credits', 'externalId'],
      ['/v1/customers/%00/email-preferences', 'externalId'],
      ['/v1/customers?cursor=%00', 'cursor'],
    ])('GET %s → 400 naming %s', async (path, field) => {
      const response = await t.admin.get(path);
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'validation_failed',
        details: [{ field, problem: expect.stringContaining('control characters') }],
      });
    });

    it.each([
      ['/v1/api-keys', () => ({ name: 'ops\u0000', scope: 'read' }), 'name', 'api_keys'],
      [
        '/v1/meters',
        () => ({ key: uniqueKey('m'), name: 'Tokens', aggregation: 'sum', unit: 'tok\u0000' }),
        'unit',
        'meters',
      ],
      [
        '/v1/customers',
        () => ({ externalId: uniqueKey('c'), name: 'Acme\u0007', email: 'a@acme.example' }),
        'name',
        'customers',
      ],
      [
        '/v1/customers',
        () => ({ externalId: uniqueKey('c'), name: 'Acme', crm: { 'do\u0000main': 'x' } }),
        'crm',
        'customers',
      ],
      [
        '/v1/plans',
        () => ({ key: uniqueKey('p'), name: 'Lone \ud800 surrogate', currency: 'USD' }),
        'name',
        'plans',
      ],
    ])('POST %s refuses it in the body, naming %s', async (path, body, field, table) => {
      const before = await count(table);
      const response = await t.admin.post(path, body());
      expect(response.status).toBe(400);
      expect(response.body.error).toMatchObject({
        code: 'validation_failed',
        details: [{ field, problem: expect.stringContaining('control characters') }],
      });
      expect(await count(table)).toBe(before);
    });

    it('keeps tabs and line breaks, which are text', async () => {
      const response = await t.admin.post('/v1/api-keys', {
        name: 'line one\nline two\tand a tab',
        scope: 'read',
      });
      expect(response.status).toBe(201);
    });

    it('rejects only the events that carry one, each with a code', async () => {
      const { customer, priced } = await createSubscribedCustomer(t);
      const event = (id: string, extra: object = {}) => ({
        id,
        customerExternalId: customer.externalId,
        meter: priced.meter.key,
        timestamp: '2026-03-10T00:00:00Z',
        value: '3',
        ...extra,
      });
      const response = await t.admin.post('/v1/events', {
        events: [
          event('good_1'),
          event('bad\u0000id'),
          event('bad_meter', { meter: `${priced.meter.key}\u0000` }),
          event('bad_dimension', { dimensions: { model: 'gpt\u0000' } }),
          event('bad_dimension_name', { dimensions: { 'mo\u0000del': 'gpt' } }),
          event('bad_customer', { customerExternalId: '\u0000' }),
          event('good_2'),
        ],
      });
      expect(response.status).toBe(200);
      expect(response.body.accepted).toBe(2);
      expect(
        response.body.rejected.map((r: { index: number; code: string; field: string }) => [
          r.index,
          r.code,
          r.field,
        ]),
      ).toEqual([
        [1, 'invalid_event', 'events[1].id'],
        [2, 'invalid_event', 'events[2].meter'],
        [3, 'invalid_event', 'events[3].dimensions.model'],
        [4, 'invalid_event', 'events[4].dimensions.mo\u0000del'],
        [5, 'invalid_event', 'events[5].customerExternalId'],
      ]);
    });

    it('refuses one in the envelope of a batch as a whole', async () => {
      const response = await t.admin.post('/v1/events', { events: [], 'x\u0000': 1 });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
    });
  });

  describe('dates and months that are not on the calendar', () => {
    it.each(['0000-01', '0999-12', '2026-00', '2026-13'])(
      'GET /v1/analytics/retention?month=%s → 400',
      async (month) => {
        const response = await t.admin.get(`/v1/analytics/retention?month=${month}`);
        expect(response.status).toBe(400);
        expect(response.body.error.details).toEqual([
          { field: 'month', problem: expect.stringContaining('month') },
        ]);
      },
    );

    it('GET /v1/analytics/mrr-movements with a year-0000 range → 400', async () => {
      const response = await t.admin.get('/v1/analytics/mrr-movements?from=0000-01&to=0000-12');
      expect(response.status).toBe(400);
    });

    it.each([
      '2026-02-30T00:00:00Z',
      '2026-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-03-01T24:00:00Z',
      '0000-01-01T00:00:00Z',
      '2026-03-01T00:00:00+24:00',
    ])('refuses the timestamp %s, naming the field', async (startDate) => {
      const { customer, priced } = await createSubscribedCustomer(t);
      const before = await count('subscriptions');
      const response = await t.admin.post('/v1/subscriptions', {
        customerExternalId: customer.externalId,
        plan: priced.plan.key,
        startDate,
      });
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        { field: 'startDate', problem: expect.stringContaining('timestamp') },
      ]);
      expect(await count('subscriptions')).toBe(before);
    });

    it('takes 29 February in a leap year', async () => {
      const { customer, priced } = await createSubscribedCustomer(t);
      const response = await t.admin.post('/v1/subscriptions', {
        customerExternalId: customer.externalId,
        plan: priced.plan.key,
        startDate: '2028-02-29T00:00:00Z',
      });
      expect(response.status).toBe(201);
    });
  });

  describe('decimal strings past their bounds', () => {
    const quote = (quantity: string | number) =>
      t.admin.post('/v1/quotes', {
        currency: 'USD',
        items: [{ rate: { model: 'per_unit', unitAmount: '0.01' }, quantity }],
      });

    it('prices a quantity at the bounds: 30 digits each side of the point', async () => {
      const response = await quote(`${'9'.repeat(30)}.${'9'.repeat(30)}`);
      expect(response.status).toBe(200);
    });

    it.each([
      ['10 million digits', '1'.repeat(10_000_000)],
      ['31 integer digits', '1'.repeat(31)],
      ['31 fraction digits', `0.${'1'.repeat(31)}`],
      ['a huge JSON number', 1e308],
      ['a tiny JSON number', 5e-324],
    ])('answers %s with 400 naming the field', async (_name, quantity) => {
      const response = await quote(quantity);
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        { field: 'items[0].quantity', problem: expect.stringMatching(/at most 30 digits|decimal/) },
      ]);
    });

    it('bounds every decimal field, not only quantities', async () => {
      const meter = await createMeter(t);
      const before = await count('alert_rules');
      const response = await t.admin.post('/v1/alert-rules', {
        type: 'usage_threshold',
        meter: meter.key,
        levels: [`1${'0'.repeat(40)}`],
      });
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([
        { field: 'levels[0]', problem: expect.stringContaining('at most 30 digits') },
      ]);
      expect(await count('alert_rules')).toBe(before);
    });
  });

  describe('requests Node refuses before any route', () => {
    it('answers a URL over 16 KB with 431 in the error shape', async () => {
      const response = await t.admin.get(`/v1/customers?cursor=${'x'.repeat(20_000)}`);
      expect(response.status).toBe(431);
      expect(response.body.error.code).toBe('headers_too_large');
    });
  });

  it('answers an error of an HTML route as JSON', async () => {
    const response = await t.http().get('/v1/email-preferences/unsubscribe?token=unknown');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body.error.code).toBe('not_found');
  });

  describe('the read scope', () => {
    it('may call POST /v1/quotes, which changes nothing', async () => {
      const key = (await t.admin.post('/v1/api-keys', { name: uniqueKey('reader'), scope: 'read' }))
        .body.key as string;
      const response = await t
        .http()
        .post('/v1/quotes')
        .set('Authorization', `Bearer ${key}`)
        .send({
          currency: 'USD',
          items: [{ rate: { model: 'per_unit', unitAmount: '0.01' }, quantity: '100' }],
        });
      expect(response.status).toBe(200);
      expect(response.body.total).toBe('1.00');
    });
  });
});
