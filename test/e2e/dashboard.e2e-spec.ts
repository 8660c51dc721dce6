/**
 * The dashboard in a real headless Chromium: the page loads with a read key,
 * draws its charts from the API's numbers, talks to no other host, logs no
 * error, and leaves a screenshot in test-output/dashboard.png.
 */
import { mkdir } from 'node:fs/promises';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, Page } from 'playwright-core';
import { Decimal } from '../../src/common/decimal';
import { inkedPixels, launchChromium, openWatchedPage } from '../support/browser';
import { recordUsage } from '../support/billing';
import {
  createApiKey,
  createCustomer,
  createPlanWithVersion,
  createSubscription,
  licensedItemBody,
  createBillableItem,
  planVersionBody,
  createPlan,
  publishPlanVersion,
} from '../support/factories';
import { TestApp, startTestApp } from '../support/test-app';

const SCREENSHOT = join(__dirname, '../../test-output/dashboard.png');

interface Plotted {
  labels: string[];
  datasets: Record<string, Array<number | null>>;
}

interface MovementsMonth {
  month: string;
  closingMrr: string;
  new: string;
  expansion: string;
  contraction: string;
  churned: string;
  reactivated: string;
}

interface AlertBody {
  id: string;
  firedAt: string;
  subscriptionId: string;
  details: { recommendation?: { action: string; incrementalAnnualRevenue: string } } | null;
}

const MONTHS = Array.from({ length: 14 }, (_, i) => {
  const index = 2025 * 12 + i; // 2025-01 … 2026-02
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
});

/** Monthly revenue per customer from the previous billing system; undefined = no revenue that month. */
const HISTORY: Record<string, (month: string, i: number) => number | undefined> = {
  dash_steady: () => 1000,
  dash_growing: (_, i) => 500 + 100 * i, // expands every month: 1800 in 2026-02
  dash_shrinking: (month) => (month < '2025-08' ? 800 : 600), // contracts in 2025-08
  dash_churned: (month) => (month <= '2025-09' ? 400 : undefined), // churns in 2025-10
  dash_returning: (month) => (month <= '2025-04' || month >= '2025-09' ? 300 : undefined), // paused, reactivated
  dash_late: (month) => (month >= '2025-06' ? 700 : undefined), // new in 2025-06
};

describe('dashboard (headless Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let readKey: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-15T12:00:00Z' });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    readKey = await createApiKey(t, 'read');
    await seed(t);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function api<T>(path: string): Promise<T> {
    const response = await t.admin.get(path);
    expect({ path, status: response.status }).toEqual({ path, status: 200 });
    return response.body as T;
  }

  const plotted = async (page: Page, canvas: string): Promise<Plotted> =>
    JSON.parse((await page.getAttribute(canvas, 'data-plotted')) ?? 'null') as Plotted;

  it('draws MRR movements, retention, cohorts, pipeline and alerts from the API', async () => {
    const { page, errors, requests } = await openWatchedPage(browser);
    await page.goto(`${baseUrl}/dashboard?key=${encodeURIComponent(readKey)}`);
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
    // The key left the address bar once stored.
    expect(page.url()).toBe(`${baseUrl}/dashboard`);

    // MRR: the default range is the 18 complete months before the service's month (2024-09 … 2026-02).
    const movements = await api<{ months: MovementsMonth[] }>(
      '/v1/analytics/mrr-movements?from=2024-09&to=2026-02',
    );
    const mrr = await plotted(page, '#mrr-chart');
    expect(mrr.labels).toEqual(movements.months.map((m) => m.month));
    const series = (field: keyof MovementsMonth, sign = 1) =>
      // + 0 turns −0 into 0, as the JSON of the data attribute does.
      movements.months.map((m) => sign * Number(m[field]) + 0);
    expect(mrr.datasets).toEqual({
      closingMrr: series('closingMrr'),
      new: series('new'),
      expansion: series('expansion'),
      reactivated: series('reactivated'),
      contraction: series('contraction', -1),
      churned: series('churned', -1),
    });
    // 2026-02: 1000 + 1800 + 600 + 0 + 300 + 700.
    expect(mrr.datasets.closingMrr[mrr.labels.indexOf('2026-02')]).toBe(4400);
    // The chart instance holds the same numbers as the attribute.
    const drawn = await page.evaluate(() => {
      const chart = (
        globalThis as unknown as {
          Chart: { getChart(id: string): { data: { datasets: Array<{ data: unknown[] }> } } };
        }
      ).Chart.getChart('mrr-chart');
      return chart.data.datasets[0].data;
    });
    expect(drawn).toEqual(mrr.datasets.closingMrr);

    // Retention: only months whose base month (12 earlier) has revenue, i.e. from 2026-01.
    const retention = await plotted(page, '#retention-chart');
    const expectedNrr: Array<number | null> = [];
    for (const month of retention.labels) {
      if (month < '2026-01') expectedNrr.push(null);
      else
        expectedNrr.push(
          Number((await api<{ nrr: string }>(`/v1/analytics/retention?month=${month}`)).nrr),
        );
    }
    expect(retention.datasets.nrr).toEqual(expectedNrr);
    expect(retention.datasets.nrr.filter((v) => v !== null)).toHaveLength(2);

    // Cohort heat map: one row per cohort, each cell the API's revenue retention.
    const cohorts = await api<{
      cohorts: Array<{ months: Array<{ revenueRetention: string }> }>;
    }>('/v1/analytics/cohorts?from=2024-09&to=2026-02');
    const cells = await page.$$eval('#cohort-table tbody tr', (rows) =>
      rows.map((row) =>
        Array.from(row.querySelectorAll('td[data-value]')).map(
          (cell) => (cell as unknown as { dataset: { value: string } }).dataset.value,
        ),
      ),
    );
    expect(cells).toEqual(
      cohorts.cohorts.map((cohort) => cohort.months.map((m) => m.revenueRetention)),
    );

    // Pipeline: the upgrade recommendations of the alerts, with their exact total.
    const alerts = (await api<{ data: AlertBody[] }>('/v1/alerts')).data;
    const upgrades = alerts.filter((a) => a.details?.recommendation?.action === 'upgrade');
    expect(upgrades.length).toBeGreaterThan(0);
    const latestUpgrades = new Map(upgrades.map((a) => [a.subscriptionId, a]));
    expect(await page.$$('#pipeline-table tbody tr[data-subscription-id]')).toHaveLength(
      latestUpgrades.size,
    );
    const total = [...latestUpgrades.values()].reduce(
      (sum, a) => sum.plus(a.details!.recommendation!.incrementalAnnualRevenue),
      new Decimal(0),
    );
    // Scale costs 199.00 a month against starter's 49.00 at the same usage: 150 × 12.
    expect(total.toString()).toBe('1800');
    expect(
      new Decimal((await page.getAttribute('#pipeline-table', 'data-total')) ?? 'NaN').eq(total),
    ).toBe(true);

    // Latest alerts, newest first.
    const shownAlerts = await page.$$eval('#alerts-table tbody tr', (rows) =>
      rows.map((row) => row.getAttribute('data-alert-id')),
    );
    expect(shownAlerts).toEqual(
      [...alerts]
        .sort((a, b) => b.firedAt.localeCompare(a.firedAt))
        .slice(0, 12)
        .map((a) => a.id),
    );

    // The charts were really painted.
    expect(await inkedPixels(page, '#mrr-chart')).toBeGreaterThan(5000);
    expect(await inkedPixels(page, '#retention-chart')).toBeGreaterThan(2000);

    expect(errors).toEqual([]);
    expect(requests.filter((url) => !url.startsWith(`${baseUrl}/`))).toEqual([]);
    expect(requests).toContain(`${baseUrl}/dashboard/assets/chart.umd.js`);

    await mkdir(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();
  });

  it('serves a shell without data and asks for a key, refusing one without read scope', async () => {
    const shell = await t.http().get('/dashboard');
    expect(shell.status).toBe(200);
    expect(shell.headers['content-security-policy']).toContain("default-src 'self'");
    expect(shell.text).not.toContain('dash_steady');

    const { page, requests } = await openWatchedPage(browser);
    await page.goto(`${baseUrl}/dashboard`);
    await page.waitForSelector('body[data-state="needs-key"]');
    expect(requests.filter((url) => url.includes('/v1/'))).toEqual([]);

    await page.fill('#key-input', await createApiKey(t, 'ingest'));
    await page.click('#key-form button[type="submit"]');
    await page.waitForSelector('body[data-state="needs-key"] #key-error:not(:empty)');
    expect(await page.textContent('#key-error')).toContain("needs 'read'");
    expect(await page.isHidden('#content')).toBe(true);
    await page.close();
  });
});

/** Six customers' history through the revenue import, and a customer past its limit this month. */
async function seed(t: TestApp): Promise<void> {
  const rows = [];
  for (const [externalId, revenue] of Object.entries(HISTORY)) {
    await createCustomer(t, { externalId, name: externalId.replace('dash_', '').toUpperCase() });
    for (const [i, month] of MONTHS.entries()) {
      const amount = revenue(month, i);
      if (amount !== undefined) {
        rows.push({
          customerExternalId: externalId,
          month,
          amount: `${amount}.00`,
          currency: 'USD',
        });
      }
    }
  }
  const imported = await t.admin.post('/v1/revenue/import', { rows });
  expect(imported.status).toBeLessThan(300);

  // A customer past the 1000 units of its plan, with a bigger plan to propose: 80 % and 100 % alerts.
  const starter = await createPlanWithVersion(t);
  const scaleFee = await createBillableItem(t, licensedItemBody());
  const scale = await createPlan(t);
  await publishPlanVersion(
    t,
    scale.key,
    planVersionBody(
      {
        meteredItem: starter.meteredItem.key,
        licensedItem: scaleFee.key,
        meter: starter.meter.key,
      },
      {
        licenceFees: [{ billableItem: scaleFee.key, unitAmount: '199.00' }],
        limits: [{ meter: starter.meter.key, quantity: '100000' }],
      },
    ),
  );
  const customer = await createCustomer(t, { externalId: 'dash_hot', name: 'Hot AI' });
  await createSubscription(t, { customerExternalId: customer.externalId, plan: starter.plan.key });
  await recordUsage(t, [
    {
      customerExternalId: customer.externalId,
      meter: starter.meter.key,
      timestamp: '2026-03-15T10:00:00Z',
      value: '1050',
    },
  ]);
}
