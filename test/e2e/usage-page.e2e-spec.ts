import { DataSource } from 'typeorm';
import { CrmSetupService } from '../../src/crm/crm-setup.service';
import { OutboxWorker } from '../../src/outbox/outbox-worker.service';
import { Formatter } from '../../src/notifications/templates/formatter';
import { Decimal } from '../../src/common/decimal';
import { SAME_ORIGIN_ONLY_CSP } from '../../src/common/http/content-security-policy';
import { UsageLinksService } from '../../src/usage-links/usage-links.service';
import { UsagePageRateLimitsRepository } from '../../src/usage-page/usage-page-rate-limits.repository';
import { createCustomer } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { CrmHarness, startCrmHarness } from './crm-harness';
import {
  createUsagePageCatalog,
  createUsagePageCustomer,
  NOW,
  UsagePageCatalog,
  UsagePageCustomer,
} from './usage-page-fixtures';

/** The `data-value` of every element marked `data-figure="name"`, in page order. */
function figures(html: string, name: string): string[] {
  const pattern = new RegExp(`data-figure="${name}" data-value="([^"]*)"`, 'g');
  return [...html.matchAll(pattern)].map((match) => match[1]);
}

describe('customer usage page', () => {
  let crm: CrmHarness;
  let t: TestApp;
  let catalog: UsagePageCatalog;
  let acme: UsagePageCustomer;
  let other: UsagePageCustomer;

  beforeAll(async () => {
    crm = await startCrmHarness('hubspot');
    t = await startTestApp({
      now: NOW,
      env: { ...crm.env, CRM_REQUEST_TIMEOUT: '10s', PUBLIC_URL: 'https://billing.example' },
    });
    await t.app.get(CrmSetupService).setup();
    catalog = await createUsagePageCatalog(t);
    const domain = 'acme-usage.example';
    crm.addAccount({ externalId: 'acme_usage', domain });
    acme = await createUsagePageCustomer(t, catalog, {
      externalId: 'acme_usage',
      name: 'Acme SARL',
      locale: 'fr',
      crm: { domain },
    });
    crm.addAccount({ externalId: 'other_usage', domain: 'other-usage.example' });
    other = await createUsagePageCustomer(t, catalog, {
      externalId: 'other_usage',
      name: 'Other Corp',
      crm: { domain: 'other-usage.example' },
    });
  });

  afterAll(async () => {
    await t?.close();
    await crm?.close();
  });

  it('gives each customer one link, under PUBLIC_URL, the same on every call', async () => {
    expect(acme.url).toMatch(/^https:\/\/billing\.example\/usage\/[A-Za-z0-9_-]{43}$/);
    const again = await t.admin.get(`/v1/customers/${acme.customer.externalId}/usage-page`);
    expect(again.body.url).toBe(acme.url);
    expect(other.url).not.toBe(acme.url);
    expect((await t.admin.get('/v1/customers/nobody/usage-page')).status).toBe(404);
    // Admin only: the link is a credential.
    expect(
      (await t.http().get(`/v1/customers/${acme.customer.externalId}/usage-page`)).status,
    ).toBe(401);
  });

  it('shows usage, forecast, bill, credit and invoices equal to the API, in French, with no key', async () => {
    const page = await t.http().get(acme.path);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['content-security-policy']).toBe(SAME_ORIGIN_ONLY_CSP);
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.headers['cache-control']).toBe('no-store');
    const html = page.text;
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain('Votre consommation');
    // No script or stylesheet from anywhere else, and no inline script.
    expect(html).not.toMatch(/(src|href)="https?:/);
    expect(html).not.toMatch(/<script>/);

    const usage = (await t.admin.get(`/v1/customers/${acme.customer.externalId}/usage`)).body;
    const forecast = (await t.admin.get(`/v1/subscriptions/${acme.subscriptionId}/forecast`)).body;
    const [meter] = forecast.meters;
    expect(figures(html, 'quantity')).toEqual([usage.subscriptions[0].meters[0].quantity]);
    expect(figures(html, 'quantity')).toEqual(['840']);
    expect(figures(html, 'limit')).toEqual([meter.limit]);
    expect(figures(html, 'projected')).toEqual([meter.projected.expected]);
    expect(figures(html, 'projectedLow')).toEqual([meter.projected.low]);
    expect(figures(html, 'projectedHigh')).toEqual([meter.projected.high]);
    expect(figures(html, 'projectedBill')).toEqual([forecast.projectedBill.expected]);
    const full = meter.crossings.find((c: { percent: string }) => c.percent === '100');
    expect(html).toContain(`datetime="${full.at}"`);
    // The text is the French of the same figures: "840 tokens", "1 000 tokens".
    const f = new Formatter('fr');
    expect(html).toContain(f.quantity(new Decimal('840'), 'token'));
    expect(html).toContain(f.money(new Decimal(forecast.projectedBill.expected), 'USD'));
    expect(html).toContain(`Atteinte le ${f.date(new Date(full.at))} (prévision)`);

    const credit = (await t.admin.get(`/v1/customers/${acme.customer.externalId}/credit-balance`))
      .body;
    expect(figures(html, 'creditBalance')).toEqual([credit.balance]);

    const invoices = (
      await t.admin.get(
        `/v1/invoices?customerExternalId=${acme.customer.externalId}&status=finalized`,
      )
    ).body.data;
    expect(invoices).toHaveLength(1);
    expect(figures(html, 'invoiceTotal')).toEqual([invoices[0].total]);
    // February: 200 units × 0.01 + the 49.00 licence.
    expect(invoices[0].total).toBe('51.00');
    const printable = await t.http().get(`${acme.path}/invoices/${invoices[0].id}`);
    expect(printable.status).toBe(200);
    expect(printable.headers['content-security-policy']).toBe(SAME_ORIGIN_ONLY_CSP);
    expect(printable.text).toContain(`Facture ${invoices[0].number}`);
    expect(figures(printable.text, 'total')).toEqual([invoices[0].total]);
  });

  it('prices the projected usage on each plan exactly as POST /v1/quotes does, and takes edited figures', async () => {
    const key = catalog.starter.meter.key;
    const forecast = (await t.admin.get(`/v1/subscriptions/${acme.subscriptionId}/forecast`)).body;
    const page = (await t.http().get(acme.path)).text;
    // The calculator starts from the projection, rounded up to a figure a person could type.
    const projected = new Decimal(forecast.meters[0].projected.expected)
      .toDecimalPlaces(2, Decimal.ROUND_UP)
      .toFixed();
    expect(page).toContain(`name="usage.${key}" inputmode="decimal"`);
    expect(page).toContain(`value="${projected}"`);
    const quote = async (plan: string, quantity: string) =>
      (
        await t.admin.post('/v1/quotes', {
          plan,
          usage: { [key]: quantity },
          licenceQuantities: {},
        })
      ).body.total;
    // Starter (the customer's) and Scale (holds the usage); in price order.
    const expected = [
      await quote(catalog.starter.plan.key, projected),
      await quote(catalog.scale, projected),
    ].sort((a, b) => new Decimal(a).comparedTo(b));
    expect(figures(page, 'planTotal')).toEqual(expected);
    expect(page).toContain('Demander cette offre');
    expect(page).toContain('Recharger des crédits');

    const edited = await t
      .http()
      .get(`${acme.path}/calculator?subscription=${acme.subscriptionId}&usage.${key}=50000`);
    expect(edited.status).toBe(200);
    const byPlan = Object.fromEntries(
      edited.body.plans.map((p: { plan: string; total: string }) => [p.plan, p.total]),
    );
    expect(byPlan).toEqual({
      [catalog.starter.plan.key]: await quote(catalog.starter.plan.key, '50000'),
      [catalog.scale]: await quote(catalog.scale, '50000'),
    });
    // The form without a script: the same figures rendered in the page.
    const submitted = (
      await t.http().get(`${acme.path}?subscription=${acme.subscriptionId}&usage.${key}=50000`)
    ).text;
    expect(figures(submitted, 'planTotal').sort()).toEqual(Object.values(byPlan).sort());

    const bad = await t
      .http()
      .get(`${acme.path}/calculator?subscription=${acme.subscriptionId}&usage.${key}=-3`);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toEqual([
      { field: `usage.${key}`, problem: 'must not be negative' },
    ]);
  });

  it('never shows one customer another customer’s data', async () => {
    const mine = (await t.http().get(acme.path)).text;
    const theirs = (await t.http().get(other.path)).text;
    expect(mine).toContain('Acme SARL');
    expect(mine).not.toContain('Other Corp');
    expect(theirs).not.toContain('Acme SARL');
    expect(mine).not.toContain(other.subscriptionId);
    const otherInvoice = (
      await t.admin.get(`/v1/invoices?customerExternalId=${other.customer.externalId}`)
    ).body.data[0];
    expect((await t.http().get(`${acme.path}/invoices/${otherInvoice.id}`)).status).toBe(404);
    const foreign = await t
      .http()
      .get(`${acme.path}/calculator?subscription=${other.subscriptionId}`);
    expect(foreign.status).toBe(404);
    const ask = await t
      .http()
      .post(`${acme.path}/requests`)
      .type('form')
      .send({ subscription: other.subscriptionId, kind: 'credit_top_up' });
    expect(ask.status).toBe(404);
  });

  it('answers every wrong token with the same 404 page', async () => {
    const token = acme.path.split('/').pop()!;
    const nearMiss = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    const answers = await Promise.all(
      [nearMiss, 'A'.repeat(43), 'x', 'assets', '%C3%A9t%C3%A9', 'a'.repeat(2000)].map((wrong) =>
        t.http().get(`/usage/${wrong}`),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(404);
      expect(answer.text).toBe(answers[0].text);
    }
    expect(answers[0].text).toContain('Link not valid');
  });

  it('records "Ask for this plan" once, and gives sales one task and one deal marked as the customer’s request', async () => {
    const form = { subscription: acme.subscriptionId, kind: 'plan_change', plan: catalog.scale };
    const first = await t.http().post(`${acme.path}/requests`).type('form').send(form);
    expect(first.status).toBe(303);
    const second = await t.http().post(`${acme.path}/requests`).type('form').send(form);
    expect(second.headers.location).toBe(first.headers.location);
    const thanks = await t.http().get(first.headers.location);
    expect(thanks.text).toContain(`votre demande pour l’offre ${catalog.scale}`);

    const requests = (await t.admin.get('/v1/usage-page-requests?status=open')).body.data;
    const mine = requests.filter(
      (r: { subscriptionId: string }) => r.subscriptionId === acme.subscriptionId,
    );
    expect(mine).toEqual([
      expect.objectContaining({
        kind: 'plan_change',
        plan: catalog.scale,
        status: 'open',
        intervalStart: '2026-03-01T00:00:00.000Z',
      }),
    ]);

    await t.app.get(OutboxWorker).drain();
    const tasks = crm.tasks().filter((task) => task.key.startsWith('request:'));
    const deals = crm.deals().filter((deal) => deal.key.includes(':customer_request:'));
    expect(tasks).toHaveLength(1);
    expect(deals).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ key: `request:${mine[0].id}`, ownerId: crm.ownerId });
    expect(tasks[0].subject).toBe(`Customer request: Acme SARL asks for plan ${catalog.scale}`);
    expect(tasks[0].body).toContain('Requested by the customer on their usage page');
    expect(tasks[0].body).toContain('(highest priority)');
    // Marked in the CRM's own fields, as sales filter on them: HIGH task, high deal.
    expect(tasks[0].priority).toBe('HIGH');
    expect(deals[0]).toMatchObject({ priority: 'high', requestedByCustomer: true });
    // (199.00 + usage) − (49.00 + usage) = 150.00 a month more, 1 800.00 a year.
    expect(deals[0].amount.toFixed(2)).toBe('1800.00');

    // Pressing again, or a retried delivery, adds nothing.
    await t.http().post(`${acme.path}/requests`).type('form').send(form);
    await t.app.get(OutboxWorker).drain();
    expect(crm.tasks().filter((task) => task.key.startsWith('request:'))).toHaveLength(1);
    expect(crm.deals().filter((deal) => deal.key.includes(':customer_request:'))).toHaveLength(1);
  });

  it('applies a requested plan at the next billing period, once', async () => {
    const requests = (await t.admin.get('/v1/usage-page-requests')).body.data;
    const request = requests.find(
      (r: { subscriptionId: string; kind: string }) =>
        r.subscriptionId === acme.subscriptionId && r.kind === 'plan_change',
    );
    const applied = await t.admin.post(`/v1/usage-page-requests/${request.id}/apply`);
    expect(applied.status).toBe(200);
    expect(applied.body).toMatchObject({
      status: 'applied',
      effectiveAt: '2026-04-01T00:00:00.000Z',
    });
    expect((await t.admin.post(`/v1/usage-page-requests/${request.id}/apply`)).status).toBe(409);
    expect((await t.admin.post('/v1/usage-page-requests/not-an-id/apply')).status).toBe(404);
    const subscription = (await t.admin.get(`/v1/subscriptions/${acme.subscriptionId}`)).body;
    expect(JSON.stringify(subscription)).toContain(catalog.scale);
  });

  it('records a top-up request, which the admin API grants through credits rather than apply', async () => {
    const ask = await t
      .http()
      .post(`${other.path}/requests`)
      .type('form')
      .send({ subscription: other.subscriptionId, kind: 'credit_top_up' });
    expect(ask.status).toBe(303);
    const request = (await t.admin.get('/v1/usage-page-requests')).body.data.find(
      (r: { subscriptionId: string }) => r.subscriptionId === other.subscriptionId,
    );
    expect(request).toMatchObject({ kind: 'credit_top_up', plan: null });
    const apply = await t.admin.post(`/v1/usage-page-requests/${request.id}/apply`);
    expect(apply.status).toBe(409);
  });

  it('names the field of a bad request form', async () => {
    const missingPlan = await t
      .http()
      .post(`${acme.path}/requests`)
      .type('form')
      .send({ subscription: acme.subscriptionId, kind: 'plan_change' });
    expect(missingPlan.status).toBe(400);
    expect(missingPlan.body.error.details).toEqual([
      { field: 'plan', problem: 'is required to ask for a plan' },
    ]);
    const unknownPlan = await t
      .http()
      .post(`${acme.path}/requests`)
      .type('form')
      .send({ subscription: acme.subscriptionId, kind: 'plan_change', plan: 'nope' });
    expect(unknownPlan.status).toBe(400);
    expect(unknownPlan.body.error.details[0].field).toBe('plan');
  });

  it('rotates the token: the old link answers 404, the new one the page', async () => {
    const rotated = await t.admin.post(
      `/v1/customers/${other.customer.externalId}/usage-page/rotate`,
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.url).not.toBe(other.url);
    expect((await t.http().get(other.path)).status).toBe(404);
    expect((await t.http().get(new URL(rotated.body.url).pathname)).status).toBe(200);
    const rows = await t.app
      .get(DataSource)
      .query('SELECT count(*)::int AS n FROM usage_page_links');
    expect(rows[0].n).toBe(2);
  });

  it('gives concurrent first uses of a link one token (e-mails sent in parallel ask at once)', async () => {
    const links = t.app.get(UsageLinksService);
    for (let round = 0; round < 5; round++) {
      const customer = await createCustomer(t);
      const [{ id: customerId }] = await t.app
        .get(DataSource)
        .query('SELECT id FROM customers WHERE external_id = $1', [customer.externalId]);
      const urls = await Promise.all(Array.from({ length: 8 }, () => links.urlFor(customerId)));
      expect(new Set(urls.map((link) => link.url)).size).toBe(1);
    }
  });
});

describe('usage page rate limit, shared by two replicas on one database', () => {
  let one: TestApp;
  let two: TestApp;

  beforeAll(async () => {
    // An hour: a window that cannot end while the test runs.
    const env = { USAGE_PAGE_RATE_LIMIT: '3/1h' };
    one = await startTestApp({ now: NOW, env });
    two = await startTestApp({ now: NOW, env, databaseUrl: one.databaseUrl });
  });

  afterAll(async () => {
    await one?.close();
    await two?.close();
  });

  it('answers 429 with Retry-After past the limit counted across replicas, for good and wrong tokens alike', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const replica = i % 2 === 0 ? one : two;
      statuses.push((await replica.http().get(`/usage/guess${i}`)).status);
    }
    expect(statuses).toEqual([404, 404, 404, 429, 429]);
    const limited = await two.http().get('/usage/guess');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(3600);
    expect(limited.text).toContain('Too many requests');
  });

  it('counts concurrent requests exactly: the limit holds under a burst on both replicas', async () => {
    const counters = one.app.get(UsagePageRateLimitsRepository);
    const limit = { requests: 10, intervalMs: 3_600_000 };
    const counts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? counters : two.app.get(UsagePageRateLimitsRepository)).count(
          '203.0.113.7',
          limit,
        ),
      ),
    );
    expect(counts.map((c) => c.requests).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('keeps no client address, and deleting expired counters (the cleanup job) forgets ended windows only', async () => {
    const db = one.app.get(DataSource);
    const rows: Array<{ client_digest: Buffer }> = await db.query(
      'SELECT client_digest FROM usage_page_rate_limits',
    );
    expect(rows.length).toBeGreaterThan(0);
    // SHA-256 digests, never the address itself.
    for (const row of rows) expect(row.client_digest).toHaveLength(32);

    const counters = one.app.get(UsagePageRateLimitsRepository);
    const limit = one.config.usagePageRateLimit;
    expect(await counters.deleteExpired(limit)).toBe(0);
    expect((await one.http().get('/usage/guess')).status).toBe(429);
    // The windows end (moved back rather than waited for): deleted, and the client starts afresh.
    await db.query(
      "UPDATE usage_page_rate_limits SET window_start = window_start - interval '2 hours'",
    );
    expect(await counters.deleteExpired(limit)).toBe(rows.length);
    expect((await two.http().get('/usage/guess')).status).toBe(404);
  });
});
