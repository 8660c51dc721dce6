/**
 * The dashboard's "CRM stage" column end to end: a deal pushed to the HubSpot
 * emulator, moved by sales, read back by the outcome job, served by
 * GET /v1/crm/deal-stages and shown in the pipeline row in a real Chromium.
 */
import { AddressInfo } from 'node:net';
import { Browser } from 'playwright-core';
import { AlertsEvaluator } from '../../src/alerts/alerts-evaluator.service';
import { CrmSetupService } from '../../src/crm/crm-setup.service';
import { DealOutcomesReader } from '../../src/crm/deal-outcomes-reader.service';
import { OutboxWorker } from '../../src/outbox/outbox-worker.service';
import { launchChromium, openWatchedPage } from '../support/browser';
import {
  createApiKey,
  createCustomer,
  createPlanWithVersion,
  createScalePlan,
  createSubscription,
  uniqueKey,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { CrmHarness, startCrmHarness } from './crm-harness';

describe('CRM deal stages on the dashboard', () => {
  let crm: CrmHarness;
  let t: TestApp;
  let browser: Browser;
  let baseUrl: string;
  let customer: string;

  beforeAll(async () => {
    crm = await startCrmHarness('hubspot');
    t = await startTestApp({ env: crm.env, now: '2026-03-15T12:00:00Z' });
    await t.app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    await t.app.get(CrmSetupService).setup();

    // A customer past 80 % of its starter limit, with a bigger plan to propose: one upgrade deal.
    const starter = await createPlanWithVersion(t);
    await createScalePlan(t, starter);
    customer = uniqueKey('crm_stage');
    const domain = `${customer.replace(/_/g, '-')}.example`;
    crm.addAccount({ externalId: customer, domain });
    await createCustomer(t, { externalId: customer, crm: { domain } });
    await createSubscription(t, { customerExternalId: customer, plan: starter.plan.key });
    const events = await t.admin.post('/v1/events', {
      events: [
        {
          id: uniqueKey('evt_stage'),
          customerExternalId: customer,
          meter: starter.meter.key,
          timestamp: '2026-03-10T09:00:00Z',
          value: '850',
        },
      ],
    });
    expect(events.status).toBe(200);
    await t.app.get(AlertsEvaluator).flush();
    expect((await t.app.get(OutboxWorker).drain()).dead).toBe(0);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await crm?.close();
  });

  const stages = async () => {
    const response = await t.admin.get(`/v1/crm/deal-stages?customerExternalId=${customer}`);
    expect(response.status).toBe(200);
    return response.body.data as Array<Record<string, unknown>>;
  };

  it('serves nothing for a deal not read back yet, and names a missing customer', async () => {
    expect(await stages()).toEqual([]);
    const response = await t.admin.get('/v1/crm/deal-stages');
    expect(response.status).toBe(400);
    expect(response.body.error.details[0]).toMatchObject({ field: 'customerExternalId' });
  });

  it('shows the stage sales moved the deal to, once read back', async () => {
    const [deal] = crm.deals();
    expect(crm.deals()).toHaveLength(1);
    crm.closeDeal(deal.id, 'won');
    expect(await t.app.get(DealOutcomesReader).readBack()).toBe(1);

    expect(await stages()).toEqual([
      expect.objectContaining({ customerExternalId: customer, stage: 'closedwon', outcome: 'won' }),
    ]);

    const { page, errors } = await openWatchedPage(browser);
    await page.goto(
      `${baseUrl}/dashboard?key=${encodeURIComponent(await createApiKey(t, 'read'))}`,
    );
    await page.waitForSelector('body[data-state="ready"]', { timeout: 30_000 });
    const rows = await page.$$eval('#pipeline-table tbody tr[data-subscription-id]', (trs) =>
      trs.map((tr) =>
        Array.from(tr.querySelectorAll('td')).map(
          (td) => (td as unknown as { textContent: string }).textContent,
        ),
      ),
    );
    expect(rows).toHaveLength(1);
    // The last column is the CRM stage.
    expect(rows[0].at(-1)).toBe('closedwon');
    expect(errors).toEqual([]);
    await page.close();
  });
});
