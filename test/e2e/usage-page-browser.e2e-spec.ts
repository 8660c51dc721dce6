/**
 * The usage page in a real headless Chromium, reached the way a customer
 * reaches it: from the call to action of a usage warning received by the
 * tests' SMTP server. In French, its figures equal the API's; the calculator
 * equals POST /v1/quotes; "Ask for this plan" pressed twice gives sales one
 * task and one deal; with scripts blocked, usage and invoices still show.
 * Leaves a screenshot in test-output/usage-page.png (docs/usage-page.png in the README).
 */
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { Decimal } from '../../src/common/decimal';
import { CrmSetupService } from '../../src/crm/crm-setup.service';
import { OutboxWorker } from '../../src/outbox/outbox-worker.service';
import { SmtpEmulator } from '../emulators/smtp';
import { launchChromium, openWatchedPage } from '../support/browser';
import { startTestApp, TestApp } from '../support/test-app';
import { CrmHarness, startCrmHarness } from './crm-harness';
import {
  createUsagePageCatalog,
  createUsagePageCustomer,
  NOW,
  UsagePageCatalog,
  UsagePageCustomer,
} from './usage-page-fixtures';

const SCREENSHOT = join(__dirname, '..', '..', 'test-output', 'usage-page.png');

/** A port free right now, so PUBLIC_URL (and the e-mail's links) can name the port the app listens on. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The `data-value` of every element marked `data-figure="name"` on the page, in order. */
function figures(page: Page, name: string, within = 'body'): Promise<string[]> {
  return page.$$eval(`${within} [data-figure="${name}"]`, (elements) =>
    elements.map((element) => element.getAttribute('data-value') ?? ''),
  );
}

describe('usage page (headless Chromium)', () => {
  let smtp: SmtpEmulator;
  let crm: CrmHarness;
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let catalog: UsagePageCatalog;
  let acme: UsagePageCustomer;

  beforeAll(async () => {
    smtp = await SmtpEmulator.start();
    crm = await startCrmHarness('hubspot');
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    t = await startTestApp({
      now: NOW,
      env: { ...crm.env, CRM_REQUEST_TIMEOUT: '10s', SMTP_URL: smtp.url, PUBLIC_URL: baseUrl },
    });
    await t.app.listen(port, '127.0.0.1');
    await t.app.get(CrmSetupService).setup();
    catalog = await createUsagePageCatalog(t);
    crm.addAccount({ externalId: 'dupont', domain: 'dupont.example' });
    acme = await createUsagePageCustomer(t, catalog, {
      externalId: 'dupont',
      name: 'Société Dupont',
      email: 'factures@dupont.example',
      locale: 'fr',
      crm: { domain: 'dupont.example' },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await crm?.close();
    await smtp?.stop();
  });

  it('opens from the warning e-mail and shows the API’s figures in French, prices like the quotes, and asks once', async () => {
    // The 80 % warning the usage fired, delivered over SMTP.
    await t.app.get(OutboxWorker).drain();
    const [mail] = smtp.to('factures@dupont.example');
    expect(mail.subject).toContain('80');
    const link = /<a href="([^"]+)">Relever ma limite<\/a>/.exec(String(mail.html))?.[1];
    expect(link).toBe(acme.url);
    expect(mail.text).toContain('840 tokens');

    const { page, errors, requests } = await openWatchedPage(browser, { width: 1100, height: 900 });
    await page.goto(link!);
    expect(await page.getAttribute('html', 'lang')).toBe('fr');
    expect(await page.textContent('h1')).toBe('Votre consommation');

    const usage = (await t.admin.get(`/v1/customers/dupont/usage`)).body;
    const forecast = (await t.admin.get(`/v1/subscriptions/${acme.subscriptionId}/forecast`)).body;
    const [meter] = forecast.meters;
    expect(await figures(page, 'quantity')).toEqual([usage.subscriptions[0].meters[0].quantity]);
    expect(await figures(page, 'limit')).toEqual([meter.limit]);
    expect(await figures(page, 'projected')).toEqual([meter.projected.expected]);
    expect(await figures(page, 'projectedLow')).toEqual([meter.projected.low]);
    expect(await figures(page, 'projectedHigh')).toEqual([meter.projected.high]);
    expect(await figures(page, 'projectedBill')).toEqual([forecast.projectedBill.expected]);
    const limitDay = meter.crossings.find((c: { percent: string }) => c.percent === '100').at;
    expect(await page.getAttribute('[data-figure="limitReachedAt"]', 'datetime')).toBe(limitDay);
    const invoices = (await t.admin.get('/v1/invoices?customerExternalId=dupont&status=finalized'))
      .body.data;
    expect(await figures(page, 'invoiceTotal')).toEqual(
      invoices.map((i: { total: string }) => i.total),
    );
    expect(await page.isVisible('svg.chart rect.bar')).toBe(true);

    // The calculator: projected usage, then a typed figure, priced as POST /v1/quotes prices it.
    const key = catalog.starter.meter.key;
    const quote = async (plan: string, quantity: string) => {
      const response = await t.admin.post('/v1/quotes', { plan, usage: { [key]: quantity } });
      expect(response.status).toBe(200);
      return response.body.total as string;
    };
    // The projection, rounded up to a figure a person could type.
    const projected = await page.inputValue(`input[name="usage.${key}"]`);
    expect(projected).toBe(
      new Decimal(meter.projected.expected).toDecimalPlaces(2, Decimal.ROUND_UP).toFixed(),
    );
    expect(await figures(page, 'planTotal', '[data-plans]')).toEqual(
      [
        await quote(catalog.starter.plan.key, projected),
        await quote(catalog.scale, projected),
      ].sort((a, b) => Number(a) - Number(b)),
    );
    await page.fill(`input[name="usage.${key}"]`, '20000');
    await page.waitForSelector('.calculator[data-calculated]');
    // 20 000 units: Starter 49.00 + 200.00, Scale 199.00 + 200.00, cheapest first.
    expect(await figures(page, 'planTotal', '[data-plans]')).toEqual([
      await quote(catalog.starter.plan.key, '20000'),
      await quote(catalog.scale, '20000'),
    ]);

    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // "Ask for this plan", twice.
    const ask = `tr[data-plan="${catalog.scale}"] button`;
    await Promise.all([page.waitForURL(/requested=/), page.click(ask)]);
    expect(await page.textContent('.notice')).toContain(`l’offre ${catalog.scale}`);
    await page.goto(link!);
    await Promise.all([page.waitForURL(/requested=/), page.click(ask)]);
    await t.app.get(OutboxWorker).drain();
    const tasks = crm.tasks().filter((task) => task.key.startsWith('request:'));
    const deals = crm.deals().filter((deal) => deal.key.includes(':customer_request:'));
    expect(tasks.map((task) => task.priority)).toEqual(['HIGH']);
    expect(deals.map((deal) => deal.priority)).toEqual(['high']);

    expect(errors).toEqual([]);
    expect(requests.every((url) => url.startsWith(baseUrl))).toBe(true);
    expect(requests).toContain(`${baseUrl}/usage-assets/usage-page.js`);
    await page.close();
  });

  it('shows usage and invoices with scripts blocked', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(acme.url);
    expect(await figures(page, 'quantity')).toEqual(['840']);
    expect(await figures(page, 'invoiceTotal')).toEqual(['51.00']);
    expect(await page.textContent('tr[data-meter] td')).toBe('840 tokens');
    await page.click('tr[data-invoice] a');
    expect(await page.textContent('h1')).toMatch(/^Facture /);
    await context.close();
  });
});
