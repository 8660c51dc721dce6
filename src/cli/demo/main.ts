/**
 * `npm run demo`: fills the configured database (embedded PGlite in ./data by
 * default, or DATABASE_URL) with a realistic usage-based company: 12 months of
 * history imported from a "previous billing system", 6 months of metered usage
 * billed month by month, and the current month so far, with customers near
 * their limits. Time is a ManualClock moved forward month by month.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { OutboxWorker } from '../../outbox/outbox-worker.service';
import { BILLABLE_ITEMS, METERS, PLANS } from './catalog';
import {
  DemoCustomer,
  HISTORY_MONTHS,
  IMPORTED_MONTHS,
  LIMITS,
  generateCompany,
  importedRevenue,
  seededRandom,
  usageIn,
} from './company';
import { DemoApp, startDemoApp } from './demo-app';
import { DemoEvent, monthEvents } from './events';
import { ProgressBar } from './progress';

const EVENT_BATCH = 5_000;

function monthStart(now: Date, offset: number): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
}

const monthKey = (date: Date) => date.toISOString().slice(0, 7);
const hours = (date: Date, count: number) => new Date(date.getTime() + count * 3_600_000);

async function main(): Promise<void> {
  const started = Date.now();
  const now = new Date();
  // Month index 0 is 18 months before the current one, which is index 18.
  const month = (index: number) => monthStart(now, index - HISTORY_MONTHS);
  const customers = generateCompany();
  const live = customers.filter(
    (c) => usageIn(c, IMPORTED_MONTHS) !== null || c.start > IMPORTED_MONTHS,
  );
  const progress = new ProgressBar(3 + (HISTORY_MONTHS - IMPORTED_MONTHS) * 2 + 1 + 2);

  const demo = await startDemoApp(month(IMPORTED_MONTHS));
  try {
    const existing = await demo.call<{ data: unknown[] }>('GET', '/v1/customers?limit=1');
    if (existing.data.length > 0) {
      throw new Error(
        'the database already holds customers: remove ./data (or use a fresh DATA_DIR/DATABASE_URL) and run again',
      );
    }
    await setUpCatalog(demo);
    progress.tick('catalog: 4 meters, 4 plans');
    for (const customer of customers) {
      await demo.call('POST', '/v1/customers', {
        externalId: customer.externalId,
        name: customer.name,
        email: `billing@${customer.externalId.replace('_', '-')}.example`,
      });
    }
    progress.tick(`${customers.length} customers`);
    await importHistory(demo, customers, month);
    progress.tick(
      `revenue history ${monthKey(month(0))} … ${monthKey(month(IMPORTED_MONTHS - 1))} imported`,
    );

    for (let index = IMPORTED_MONTHS; index <= HISTORY_MONTHS; index += 1) {
      const start = month(index);
      demo.clock.set(hours(start, 1));
      for (const customer of live.filter((c) => Math.max(c.start, IMPORTED_MONTHS) === index)) {
        await subscribe(demo, customer, start, month);
      }
      const until = index === HISTORY_MONTHS ? now : month(index + 1);
      await ingestMonth(demo, customers, index, start, until);
      progress.tick(`${monthKey(start)}: usage ingested`);
      if (index < HISTORY_MONTHS) {
        // Past the one-hour grace period, as a nightly run would be.
        demo.clock.set(hours(month(index + 1), 2));
        const run = await demo.call<{ invoicesCreated: number }>('POST', '/v1/billing-runs', {});
        progress.tick(`${monthKey(start)}: ${run.invoicesCreated} invoices`);
      }
    }
    demo.clock.set(now);
    const delivered = await demo.app.get(OutboxWorker).drain();
    progress.tick(`${delivered.sent} e-mails delivered`);
    const readKey = await demo.createKey('dashboard (demo)', 'read');
    const movements = await demo.call<{ months: Array<{ closingMrr: string }> }>(
      'GET',
      `/v1/analytics/mrr-movements?from=${monthKey(month(0))}&to=${monthKey(month(HISTORY_MONTHS - 1))}`,
    );
    progress.tick('analytics computed');
    const usagePage = await usagePageToShow(demo, live[0].externalId);
    progress.finish();
    report(
      demo,
      readKey,
      usagePage,
      movements.months.at(-1)?.closingMrr ?? '0',
      (Date.now() - started) / 1000,
    );
  } finally {
    await demo.app.close();
  }
}

async function setUpCatalog(demo: DemoApp): Promise<void> {
  for (const meter of METERS) await demo.call('POST', '/v1/meters', meter);
  for (const item of BILLABLE_ITEMS) await demo.call('POST', '/v1/billable-items', item);
  for (const { plan, version } of PLANS) {
    await demo.call('POST', '/v1/plans', plan);
    await demo.call('POST', `/v1/plans/${plan.key}/versions`, version);
  }
}

async function importHistory(
  demo: DemoApp,
  customers: DemoCustomer[],
  month: (i: number) => Date,
): Promise<void> {
  const rows = [];
  for (const customer of customers) {
    for (let index = 0; index < IMPORTED_MONTHS; index += 1) {
      const usage = usageIn(customer, index);
      if (usage === null) continue;
      const amount = importedRevenue(customer.plan, usage).toDecimalPlaces(2).toFixed(2);
      rows.push({
        customerExternalId: customer.externalId,
        month: monthKey(month(index)),
        amount,
        currency: 'USD',
      });
    }
  }
  await demo.call('POST', '/v1/revenue/import', { rows });
}

/** A subscription from the month the customer moved to this service, ending when it churns. */
async function subscribe(
  demo: DemoApp,
  customer: DemoCustomer,
  start: Date,
  month: (i: number) => Date,
): Promise<void> {
  const plan = PLANS.find((p) => p.plan.key === customer.plan)!;
  await demo.call('POST', '/v1/subscriptions', {
    customerExternalId: customer.externalId,
    plan: customer.plan,
    startDate: start.toISOString(),
    endDate: customer.churn !== null ? month(customer.churn).toISOString() : null,
    licenceQuantities: plan.licenceQuantities,
  });
}

/**
 * A month's usage, sent week by week with the clock following, so threshold
 * alerts fire when the usage crossed them. In the current month the customers
 * marked near their limit have used 82 to 110 % of it so far.
 */
async function ingestMonth(
  demo: DemoApp,
  customers: DemoCustomer[],
  index: number,
  start: Date,
  until: Date,
): Promise<void> {
  const random = seededRandom(index);
  const events: DemoEvent[] = [];
  for (const customer of customers) {
    let usage = usageIn(customer, index);
    if (usage === null || index < IMPORTED_MONTHS) continue;
    const limit = LIMITS[customer.plan];
    if (index === HISTORY_MONTHS && customer.nearLimit && limit) {
      // Usage is reported on six days a month; scale it so the reports so far reach the target.
      const reported = [3, 8, 13, 18, 23, 28].filter((day) => day < until.getUTCDate()).length || 1;
      usage = (limit * (0.82 + random() * 0.28) * 6) / reported;
    }
    events.push(...monthEvents(customer, start, usage, until, monthKey(start)));
  }
  events.sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  let from = start;
  for (const day of [8, 15, 22, 32]) {
    const end = new Date(
      Math.min(until.getTime(), Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), day)),
    );
    if (end <= from) break;
    const due = events.filter((e) => new Date(e.timestamp) >= from && new Date(e.timestamp) < end);
    demo.clock.set(end);
    for (let i = 0; i < due.length; i += EVENT_BATCH) {
      await demo.call('POST', '/v1/events', { events: due.slice(i, i + EVENT_BATCH) });
    }
    from = end;
  }
}

/** The usage page of a customer warned this month (the first live one when none was). */
async function usagePageToShow(
  demo: DemoApp,
  fallback: string,
): Promise<{ customer: string; url: string }> {
  const warned = await demo.call<{ data: Array<{ customerExternalId: string }> }>(
    'GET',
    '/v1/alerts?rule=usage_threshold',
  );
  const customer = warned.data[0]?.customerExternalId ?? fallback;
  const link = await demo.call<{ url: string }>('GET', `/v1/customers/${customer}/usage-page`);
  return { customer, url: link.url };
}

function report(
  demo: DemoApp,
  readKey: string,
  usagePage: { customer: string; url: string },
  mrr: string,
  seconds: number,
): void {
  const where =
    demo.config.database.kind === 'pglite'
      ? `embedded PGlite in ${demo.config.database.dataDir}`
      : 'DATABASE_URL';
  console.log(`
Demo company ready in ${seconds.toFixed(0)} s (${where}); last month's MRR: ${mrr} USD.

  Dashboard   npm start, then open ${demo.config.publicUrl}/dashboard?key=${readKey}
              (a read-only key made for the demo; more with: npm run api-keys -- create --name me --scope read)
  Usage page  ${usagePage.url}
              (what customer ${usagePage.customer} sees from the link in their warning e-mail; no key needed)
  E-mails     ${join(demo.config.dataDir, 'mail')} (.eml files: limit warnings of this month)
  CRM outbox  GET ${demo.config.publicUrl}/v1/outbox?channel=crm with an admin key (CRM_PROVIDER=none keeps them there)
  API docs    ${demo.config.publicUrl}/docs
`);
}

main().catch((error: unknown) => {
  console.error(`\ndemo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
