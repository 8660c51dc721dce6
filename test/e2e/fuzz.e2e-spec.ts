/**
 * Every route of the OpenAPI document, sent seeded mutations of a valid
 * request (fuzz.ts): never a 5xx, always the contract's error shape, and no
 * table changed by a request that was refused. The seed and the count are
 * fixed, so a failure replays exactly; FUZZ_SEED picks another run.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { createApiKey, createSubscribedCustomer } from '../support/factories';
import { FuzzRequest, mutate, Random, RequestTemplate, validRequest } from '../support/fuzz';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';

const SEED = Number(process.env.FUZZ_SEED ?? 20261204);
const MUTATIONS_PER_ROUTE = 24;

type Templates = Record<string, Omit<RequestTemplate, 'method' | 'openApiPath'>>;

interface OpenApiOperation {
  parameters?: Array<{ name: string; in: string }>;
  requestBody?: unknown;
}

describe('fuzz: every route, mutated requests', () => {
  let t: TestApp;
  let db: Client;
  let routes: Array<{ method: string; path: string; operation: OpenApiOperation }>;
  let templates: Templates;
  let readKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    db = new Client({ connectionString: t.databaseUrl });
    await db.connect();
    templates = await seed(t);
    readKey = await createApiKey(t, 'read');
    const document = (await t.http().get('/docs/openapi.json')).body as {
      paths: Record<string, Record<string, OpenApiOperation>>;
    };
    routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        operation,
      })),
    );
  }, 120_000);
  afterAll(async () => {
    await db.end();
    await t.close();
  });

  it('has a valid request for every route of the OpenAPI document', () => {
    const missing = routes
      .map(({ method, path }) => `${method} ${path}`)
      .filter((route) => !(route in templates));
    expect(missing).toEqual([]);
  });

  it('answers every mutation without a 5xx, in the error shape, changing nothing when refusing', async () => {
    const random = new Random(SEED);
    const failures: string[] = [];
    let tables = await tableDigest(db);
    let sent = 0;
    for (const { method, path } of routes) {
      const template: RequestTemplate = {
        method,
        openApiPath: path,
        ...(templates[`${method} ${path}`] ?? { params: {}, query: {} }),
      };
      const requests = [
        { ...validRequest(template), key: null, mutation: 'no key' },
        { ...validRequest(template), key: 'not-a-key', mutation: 'unknown key' },
        { ...validRequest(template), key: readKey, mutation: 'read key' },
        ...Array.from({ length: MUTATIONS_PER_ROUTE }, () => ({
          ...mutate(template, random),
          key: ADMIN_KEY,
        })),
      ];
      for (const fuzzed of requests) {
        const response = await send(t, fuzzed, fuzzed.key);
        sent += 1;
        const where = `${method} ${path} [${fuzzed.mutation}] → ${response.status}`;
        if (response.status >= 500) failures.push(`${where}: ${response.text.slice(0, 200)}`);
        else if (response.status >= 400) {
          const problem = errorShapeProblem(response.body);
          if (problem) failures.push(`${where}: ${problem}: ${response.text.slice(0, 200)}`);
          const after = await tableDigest(db);
          const changed = Object.keys(after).filter((table) => after[table] !== tables[table]);
          if (changed.length > 0)
            failures.push(`${where}: refused, but changed ${changed.join(', ')}`);
          tables = after;
        } else tables = await tableDigest(db);
      }
    }
    expect(sent).toBeGreaterThan(routes.length * MUTATIONS_PER_ROUTE);
    expect(failures).toEqual([]);
  }, 600_000);
});

/** The contract's error body, or what is wrong with it. */
function errorShapeProblem(body: unknown): string | null {
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error;
  if (typeof error !== 'object' || error === null) return 'no error object';
  if (typeof error.code !== 'string' || !/^[a-z]+(_[a-z]+)*$/.test(error.code))
    return 'no snake_case code';
  if (typeof error.message !== 'string' || error.message === '') return 'no message';
  if (error.details === undefined) return null;
  const wellFormed =
    Array.isArray(error.details) &&
    error.details.every(
      (detail: { field?: unknown; problem?: unknown }) =>
        typeof detail.field === 'string' && typeof detail.problem === 'string',
    );
  return wellFormed ? null : 'details are not [{field, problem}]';
}

function send(t: TestApp, fuzzed: FuzzRequest, key: string | null): Promise<request.Response> {
  const query = new URLSearchParams(fuzzed.query).toString();
  const url = query ? `${fuzzed.path}?${query}` : fuzzed.path;
  const server = t.app.getHttpServer();
  const method = fuzzed.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete';
  let pending = request(server)[method](url);
  if (key) pending = pending.set('Authorization', `Bearer ${key}`);
  const raw =
    fuzzed.raw ??
    (fuzzed.body === undefined ? undefined : Buffer.from(JSON.stringify(fuzzed.body)));
  if (raw === undefined) return pending;
  pending = pending.set('Content-Type', 'application/json');
  for (const [name, value] of Object.entries(fuzzed.headers)) pending = pending.set(name, value);
  // The bytes as they are: superagent would otherwise send a Buffer as JSON of its bytes.
  return pending.serialize((bytes: Buffer) => bytes as unknown as string).send(raw);
}

/** A digest of every table's rows, to tell whether a request changed any. */
async function tableDigest(db: Client): Promise<Record<string, string>> {
  const tables = (
    await db.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition`,
    )
  ).rows.map((row) => row.name);
  const columns = tables.map(
    (table) =>
      `(SELECT md5(coalesce(string_agg(md5(x::text), '' ORDER BY md5(x::text)), '')) FROM "${table}" x) AS "${table}"`,
  );
  return (await db.query<Record<string, string>>(`SELECT ${columns.join(', ')}`)).rows[0];
}

/** Data for every route to act on, and a valid request for each route. */
async function seed(t: TestApp): Promise<Templates> {
  const { customer, priced, subscription } = await createSubscribedCustomer(t, {
    subscription: { startDate: '2026-01-01T00:00:00Z' },
  });
  const events = [1, 2, 3].map((day) => ({
    id: `fuzz_seed_${day}`,
    customerExternalId: customer.externalId,
    meter: priced.meter.key,
    timestamp: `2026-03-0${day}T10:00:00Z`,
    value: '12.5',
    dimensions: { model: 'gpt-4o' },
  }));
  await t.admin.post('/v1/events', { events }).expect(200);
  await t.admin.post('/v1/billing-runs', {}).expect((r) => expect(r.status).toBeLessThan(300));
  const invoiceId = (await t.admin.get('/v1/invoices')).body.data?.[0]?.id ?? randomUUID();
  const rule = await t.admin.post('/v1/alert-rules', {
    type: 'usage_threshold',
    meter: priced.meter.key,
  });
  const revocable = await t.admin.post('/v1/api-keys', { name: 'fuzz-revocable', scope: 'read' });
  const outboxId = (await t.admin.get('/v1/outbox')).body.data?.[0]?.id ?? randomUUID();
  const crmOutboxId = (await t.admin.get('/v1/crm/outbox')).body.data?.[0]?.id ?? randomUUID();

  const externalId = { externalId: customer.externalId };
  const none = { params: {}, query: {} };
  const at = (params: Record<string, string>, query: Record<string, string> = {}) => ({
    params,
    query,
  });
  const rate = { model: 'per_unit', unitAmount: '0.01' };
  return {
    'GET /health': none,
    'GET /health/live': none,
    'GET /health/ready': none,
    'GET /v1/api-keys': none,
    'POST /v1/api-keys': { ...none, body: { name: 'fuzzed', scope: 'read' } },
    'DELETE /v1/api-keys/{id}': at({ id: revocable.body.id }),
    'GET /v1/meters': none,
    'POST /v1/meters': {
      ...none,
      body: {
        key: 'fuzz_meter',
        name: 'Fuzz',
        aggregation: 'sum',
        unit: 'token',
        dimensions: ['model'],
      },
    },
    'GET /v1/meters/{key}': at({ key: priced.meter.key }),
    'GET /v1/billable-items': none,
    'POST /v1/billable-items': {
      ...none,
      body: {
        key: 'fuzz_item',
        name: 'Fuzz item',
        kind: 'metered',
        meter: priced.meter.key,
        filter: { model: 'gpt-4o' },
      },
    },
    'GET /v1/billable-items/{key}': at({ key: priced.meteredItem.key }),
    'GET /v1/plans': none,
    'POST /v1/plans': { ...none, body: { key: 'fuzz_plan', name: 'Fuzz plan', currency: 'USD' } },
    'GET /v1/plans/{key}': at({ key: priced.plan.key }),
    'POST /v1/plans/{key}/versions': {
      ...at({ key: priced.plan.key }),
      body: {
        live: false,
        serviceInterval: { unit: 'month', count: 1 },
        rates: [
          {
            billableItem: priced.meteredItem.key,
            rate: {
              model: 'graduated',
              tiers: [
                { upTo: '1000', unitAmount: '0', flatAmount: '5' },
                { upTo: null, unitAmount: '0.002' },
              ],
            },
          },
        ],
        licenceFees: [{ billableItem: priced.licensedItem.key, unitAmount: '49.00' }],
        creditGrants: [{ name: 'Credit', amount: '10.00', expiresAfterIntervals: 1 }],
        limits: [{ meter: priced.meter.key, quantity: '1000000' }],
        prepaidBlocks: [
          {
            billableItem: priced.meteredItem.key,
            tiers: [
              { units: '1000000', price: '10.00' },
              { units: '10000000', price: '80.00' },
            ],
            validForDays: 90,
          },
        ],
      },
    },
    'PUT /v1/plans/{key}/live-version': { ...at({ key: priced.plan.key }), body: { version: 1 } },
    'GET /v1/customers': at({}, { limit: '10' }),
    'POST /v1/customers': {
      ...none,
      body: {
        externalId: 'fuzz_customer',
        name: 'Fuzz AB',
        email: 'billing@fuzz.example',
        locale: 'fr',
        currency: 'EUR',
        taxRate: '20',
        crm: { domain: 'fuzz.example' },
      },
    },
    'GET /v1/customers/{externalId}': at(externalId),
    'PATCH /v1/customers/{externalId}': {
      ...at(externalId),
      body: { name: 'Renamed', taxRate: '5' },
    },
    'GET /v1/customers/{externalId}/usage': at(externalId),
    'GET /v1/customers/{externalId}/subscriptions': at(externalId),
    'GET /v1/customers/{externalId}/credit-balance': at(externalId),
    'GET /v1/customers/{externalId}/credits': at(externalId),
    'POST /v1/customers/{externalId}/credits': {
      ...at(externalId),
      body: { amount: '25.00', name: 'Top-up', expiresAt: '2027-01-01T00:00:00Z' },
    },
    'GET /v1/customers/{externalId}/prepaid-blocks': at(externalId),
    // The live version offers no blocks: refused (400), as the mutations of it must be.
    'POST /v1/customers/{externalId}/prepaid-blocks': {
      ...at(externalId),
      body: {
        subscriptionId: subscription.id,
        billableItem: priced.meteredItem.key,
        units: '1000000',
      },
    },
    'GET /v1/customers/{externalId}/email-preferences': at(externalId),
    'GET /v1/customers/{externalId}/usage-page': at(externalId),
    'POST /v1/customers/{externalId}/usage-page/rotate': at(externalId),
    'GET /v1/usage-page-requests': at({}, { status: 'open', limit: '5' }),
    // No request is made here: the page's own test covers applying one.
    'POST /v1/usage-page-requests/{id}/apply': {
      ...at({ id: '6f1c1d5e-3f1a-4b8e-9a43-2f6f1b0c9d11' }),
      body: { effective: 'now', refundToCredit: false },
    },
    'PUT /v1/customers/{externalId}/email-preferences': {
      ...at(externalId),
      body: { usageWarnings: true },
    },
    'POST /v1/subscriptions': {
      ...none,
      body: {
        customerExternalId: customer.externalId,
        plan: priced.plan.key,
        startDate: '2026-03-01T00:00:00Z',
        licenceQuantities: { [priced.licensedItem.key]: '2' },
      },
    },
    'GET /v1/subscriptions/{id}': at({ id: subscription.id }),
    'GET /v1/subscriptions/{id}/upcoming-invoice': at({ id: subscription.id }),
    'GET /v1/subscriptions/{id}/forecast': at({ id: subscription.id }),
    'POST /v1/subscriptions/{id}/plan-changes': {
      ...at({ id: subscription.id }),
      body: { plan: priced.plan.key, version: 1, effective: 'period_end' },
    },
    'POST /v1/events': { ...none, body: { events } },
    'POST /v1/quotes': {
      ...none,
      body: {
        currency: 'USD',
        items: [
          { rate, quantity: '2500' },
          { rate, quantity: 12 },
        ],
      },
    },
    'POST /v1/billing-runs': { ...none, body: { asOf: '2026-03-15T00:00:00Z' } },
    'GET /v1/invoices': at(
      {},
      { customerExternalId: customer.externalId, status: 'finalized', limit: '5' },
    ),
    'GET /v1/invoices/{id}': at({ id: invoiceId }),
    'POST /v1/invoices/{id}/void': { ...at({ id: invoiceId }), body: { refundToCredit: true } },
    'POST /v1/invoices/{id}/credit-notes': {
      ...at({ id: invoiceId }),
      body: { lines: [{ position: 0, amount: '1.00' }], memo: 'fuzz', refundToCredit: false },
    },
    'GET /v1/credit-notes': at({}, { customerExternalId: customer.externalId, limit: '5' }),
    'GET /v1/credit-notes/{id}': at({ id: randomUUID() }),
    'POST /v1/subscriptions/{id}/end': {
      ...at({ id: subscription.id }),
      body: { endDate: '2027-01-01T00:00:00Z', refundToCredit: false },
    },
    'GET /v1/outbox': at({}, { limit: '5' }),
    'POST /v1/outbox/{id}/replay': at({ id: outboxId }),
    'GET /v1/crm/outbox': at({}, { limit: '5' }),
    'POST /v1/crm/outbox/{id}/replay': at({ id: crmOutboxId }),
    'GET /v1/crm/deal-stages': at({}, { customerExternalId: customer.externalId }),
    'POST /v1/crm/cohort-sync': { ...none, body: { month: '2026-02' } },
    'POST /v1/alert-rules': {
      ...none,
      body: {
        type: 'bill_shock',
        factor: '1.5',
        minIncrease: '10',
        scope: { plan: priced.plan.key },
      },
    },
    'GET /v1/alert-rules': none,
    'PATCH /v1/alert-rules/{id}': { ...at({ id: rule.body.id }), body: { enabled: false } },
    'DELETE /v1/alert-rules/{id}': at({ id: rule.body.id }),
    'GET /v1/alerts': at(
      {},
      { customerExternalId: customer.externalId, since: '2026-01-01T00:00:00Z' },
    ),
    // No alert recommends an upgrade here: the plan-changes-now test applies one.
    'POST /v1/alerts/{id}/apply-upgrade': {
      ...at({ id: randomUUID() }),
      body: { refundToCredit: false },
    },
    'GET /v1/forecasts/accuracy': none,
    'POST /v1/revenue/import': {
      ...none,
      body: {
        rows: [
          {
            customerExternalId: customer.externalId,
            month: '2025-12',
            amount: '120.00',
            currency: 'USD',
          },
        ],
      },
    },
    'GET /v1/analytics/mrr-movements': at(
      {},
      { from: '2025-10', to: '2026-03', smoothing: 'none' },
    ),
    'GET /v1/analytics/retention': at({}, { month: '2026-01' }),
    'GET /v1/analytics/cohorts': at({}, { from: '2025-10', to: '2026-03' }),
    'GET /v1/analytics/expansion': at({}, { from: '2025-10', to: '2026-03' }),
    'GET /v1/customers/{externalId}/entitlements': at(externalId),
    'GET /v1/customers/{externalId}/entitlements/{meter}': at({
      ...externalId,
      meter: priced.meter.key,
    }),
    'GET /v1/quota-hits': at(
      {},
      { customerExternalId: customer.externalId, since: '2026-03-01T00:00:00Z', limit: '10' },
    ),
    'GET /v1/plans/{key}/versions/{version}/quotas': at({ key: priced.plan.key, version: '1' }),
    'PUT /v1/plans/{key}/versions/{version}/quotas': {
      ...at({ key: priced.plan.key, version: '1' }),
      body: {
        quotas: [
          { meter: priced.meter.key, window: 'hour', quantity: '10000', kind: 'hard' },
          { meter: priced.meter.key, window: 'day', alignment: 'rolling', quantity: 150000 },
        ],
      },
    },
    'GET /v1/subscriptions/{id}/quotas': at({ id: subscription.id }),
    'PUT /v1/subscriptions/{id}/quotas': {
      ...at({ id: subscription.id }),
      body: {
        quotas: [
          { meter: priced.meter.key, window: 'hour', quantity: '20000', overage: 'credits' },
        ],
      },
    },
    'GET /v1/email-preferences/unsubscribe': at({}, { token: 'not-a-token' }),
    'POST /v1/email-preferences/unsubscribe': at({}, { token: 'not-a-token' }),
  };
}
