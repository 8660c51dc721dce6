import { DataSource } from 'typeorm';
import { RevenueLedgerRepository } from '../../src/analytics/ledger/revenue-ledger.repository';
import { AnalyticsRepository } from '../../src/analytics/metrics/analytics.repository';
import {
  cohortCells,
  CustomerMonth,
  mrrMovements,
  trailingAverage,
} from '../../src/analytics/metrics/revenue-metrics';
import { Decimal } from '../../src/common/decimal';
import { listInvoices, recordUsage, runBilling } from '../support/billing';
import { createCustomer, createPlanWithVersion, createSubscription } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/** The definition the maintained tables must match: the ledger summed per customer-month, void left out. */
const RECOMPUTED = `
  SELECT customer_id, to_char(month, 'YYYY-MM') AS month, round(sum(amount), $1::int)::text AS mrr
  FROM revenue_months
  WHERE amount IS NOT NULL
    AND (invoice_id IS NULL OR invoice_id NOT IN (SELECT id FROM invoices WHERE status = 'void'))
  GROUP BY customer_id, month
  HAVING round(sum(amount), $1::int) > 0
  ORDER BY customer_id, month`;

/** Every month the ledger below touches, with room for the smoothed view's late churns. */
const FROM = '2025-11';
const TO = '2026-08';

/**
 * customer_month_mrr, customer_first_month, mrr_movement_months and
 * mrr_cohort_months are maintained by triggers on every write to the ledger and
 * on voiding; after each kind of write they must equal a recomputation from
 * revenue_months (movements and cohorts: the pure references in
 * revenue-metrics.ts over that recomputation).
 */
describe('maintained customer-month MRR', () => {
  let t: TestApp;
  let db: DataSource;

  const expectMaintained = async (minorUnits = 2) => {
    const expected: Array<{ customer_id: string; month: string; mrr: string }> = await db.query(
      RECOMPUTED,
      [minorUnits],
    );
    const maintained = await db.query(
      `SELECT customer_id, to_char(month, 'YYYY-MM') AS month, mrr::text AS mrr
       FROM customer_month_mrr ORDER BY customer_id, month`,
    );
    expect(maintained).toEqual(expected);
    const firstMonths = new Map<string, string>();
    for (const row of expected) {
      if (!firstMonths.has(row.customer_id)) firstMonths.set(row.customer_id, row.month);
    }
    const maintainedFirst: Array<{ customer_id: string; first_month: string }> = await db.query(
      `SELECT customer_id, to_char(first_month, 'YYYY-MM') AS first_month
       FROM customer_first_month WHERE first_month IS NOT NULL ORDER BY customer_id`,
    );
    expect(new Map(maintainedFirst.map((row) => [row.customer_id, row.first_month]))).toEqual(
      firstMonths,
    );
    const ledger: CustomerMonth[] = expected.map((row) => ({
      customerId: row.customer_id,
      month: row.month,
      mrr: new Decimal(row.mrr),
    }));
    const analytics = t.app.get(AnalyticsRepository);
    expect(plain(await analytics.movements(FROM, TO, 'none'))).toEqual(
      plain(mrrMovements(ledger, FROM, TO)),
    );
    expect(plain(await analytics.movements(FROM, TO, 'trailing3'))).toEqual(
      plain(mrrMovements(trailingAverage(ledger, minorUnits), FROM, TO)),
    );
    const byKey = (cells: Array<{ cohort: string; month: string }>) =>
      plain(
        [...cells].sort((a, b) => `${a.cohort}${a.month}`.localeCompare(`${b.cohort}${b.month}`)),
      );
    expect(byKey(await analytics.cohortCells(FROM, TO))).toEqual(
      byKey(cohortCells(ledger, FROM, TO)),
    );
    return expected.length;
  };

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-20T00:00:00Z', env: { EXCHANGE_RATES: 'EUR:1.10' } });
    db = t.app.get(DataSource);
    for (const externalId of ['alpha', 'beta', 'gamma']) await createCustomer(t, { externalId });
  });
  afterAll(() => t.close());

  it('follows imports, billing, re-imports and a void', async () => {
    await t.admin
      .post('/v1/revenue/import', {
        rows: [
          { customerExternalId: 'alpha', month: '2026-01', amount: '100.005', currency: 'USD' },
          { customerExternalId: 'alpha', month: '2026-03', amount: '10', currency: 'USD' },
          { customerExternalId: 'beta', month: '2026-02', amount: '33.333', currency: 'EUR' },
          { customerExternalId: 'gamma', month: '2026-02', amount: '0.004', currency: 'USD' },
        ],
      })
      .expect(200);
    // gamma's 0.004 rounds to 0: not a month with MRR, so no cohort either.
    expect(await expectMaintained()).toBe(3);

    const priced = await createPlanWithVersion(t);
    await createSubscription(t, { customerExternalId: 'alpha', plan: priced.plan.key });
    await createSubscription(t, { customerExternalId: 'gamma', plan: priced.plan.key });
    await recordUsage(t, [
      {
        customerExternalId: 'alpha',
        meter: priced.meter.key,
        timestamp: '2026-03-10T10:00:00Z',
        value: '1000',
      },
    ]);
    t.clock.set('2026-04-01T02:00:00Z');
    expect(await runBilling(t)).toMatchObject({ invoicesCreated: 2, failures: [] });
    // alpha's March is imported 10 plus billed 59; gamma now has March.
    expect(await expectMaintained()).toBe(4);

    // A re-import replaces alpha's January by 0 and moves nothing else.
    await t.admin
      .post('/v1/revenue/import', {
        rows: [{ customerExternalId: 'alpha', month: '2026-01', amount: '0', currency: 'USD' }],
      })
      .expect(200);
    expect(await expectMaintained()).toBe(3);

    const [gammaInvoice] = await listInvoices(t, 'customerExternalId=gamma');
    await t.admin.post(`/v1/invoices/${gammaInvoice.id}/void`).expect(200);
    expect(await expectMaintained()).toBe(2);
  });

  it('rebuilds with the new rounding when the reporting currency has other minor units', async () => {
    const ledger = t.app.get(RevenueLedgerRepository);
    await ledger.useMinorUnits(0);
    await expectMaintained(0);
    await ledger.useMinorUnits(2);
    await expectMaintained(2);
  });
});

/** Decimals as their JSON strings, so a difference shows as figures. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}
