import { recordUsage, runBilling, listInvoices } from '../support/billing';
import {
  createApiKey,
  createCustomer,
  createPlanWithVersion,
  createSubscription,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Imported history plus billed months, in USD with EUR at 1.10. The factories' plan
 * bills 0.01 a unit and a 49.00 monthly licence fee.
 *
 *             2025-03   2025-04..2026-01   2026-02          2026-03
 * alpha       100       –                  100 (import)     59 (billed: 49 + 1000 × 0.01)
 * beta        220       –                  110 (100 EUR)    300 (import)
 * gamma        50       –                  –                –
 * delta        –        –                  –                40 (import)
 * epsilon      –        –                  22.75 (billed)   26.25 (billed)
 *
 * epsilon subscribes on 2026-02-16: its 49.00 fee for 16 Feb – 16 Mar is split
 * by time, 13 of 28 days in February (22.75) and 15 in March (26.25).
 */
describe('revenue analytics', () => {
  let t: TestApp;
  let epsilonId: string | null;
  const history = [
    { customerExternalId: 'alpha', month: '2025-03', amount: '100', currency: 'USD' },
    { customerExternalId: 'alpha', month: '2026-02', amount: '100.00', currency: 'USD' },
    { customerExternalId: 'beta', month: '2025-03', amount: '200', currency: 'EUR' },
    { customerExternalId: 'beta', month: '2026-02', amount: '100', currency: 'EUR' },
    { customerExternalId: 'beta', month: '2026-03', amount: '300', currency: 'USD' },
    { customerExternalId: 'gamma', month: '2025-03', amount: '50', currency: 'USD' },
    { customerExternalId: 'delta', month: '2026-03', amount: '40', currency: 'USD' },
  ];

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-20T00:00:00Z', env: { EXCHANGE_RATES: 'EUR:1.10' } });
    for (const externalId of ['alpha', 'beta', 'gamma', 'delta', 'epsilon']) {
      await createCustomer(t, { externalId });
    }
    const priced = await createPlanWithVersion(t);
    await createSubscription(t, { customerExternalId: 'alpha', plan: priced.plan.key });
    await createSubscription(t, {
      customerExternalId: 'epsilon',
      plan: priced.plan.key,
      startDate: '2026-02-16T00:00:00Z',
    });
    await recordUsage(t, [
      {
        customerExternalId: 'alpha',
        meter: priced.meter.key,
        timestamp: '2026-03-10T10:00:00Z',
        value: '1000',
      },
    ]);
    expect((await t.admin.post('/v1/revenue/import', { rows: history })).body).toEqual({
      imported: 7,
      reportingCurrency: 'USD',
    });
    t.clock.set('2026-04-01T02:00:00Z');
    expect(await runBilling(t)).toMatchObject({ invoicesCreated: 2, failures: [] });
    [epsilonId] = (await listInvoices(t, 'customerExternalId=epsilon')).map(
      (invoice) => invoice.id,
    );
  });
  afterAll(() => t.close());

  const movements = async () =>
    (await t.admin.get('/v1/analytics/mrr-movements?from=2026-02&to=2026-03').expect(200)).body;

  it('gives the movements of imported and billed months', async () => {
    expect(await movements()).toEqual({
      currency: 'USD',
      months: [
        {
          // Nobody had revenue in 2026-01: alpha and beta come back, epsilon is new.
          month: '2026-02',
          openingMrr: '0.00',
          new: '22.75',
          expansion: '0.00',
          contraction: '0.00',
          churned: '0.00',
          reactivated: '210.00',
          closingMrr: '232.75',
          quickRatio: null,
          customers: { new: 1, expanded: 0, contracted: 0, churned: 0, reactivated: 2, active: 3 },
        },
        {
          // alpha 100 → 59 (−41), beta 110 → 300 (+190), epsilon 22.75 → 26.25 (+3.50), delta new 40:
          // 232.75 + 40 + 193.50 − 41 = 425.25; quick ratio (40 + 193.50) / 41 = 5.695… → 5.70.
          month: '2026-03',
          openingMrr: '232.75',
          new: '40.00',
          expansion: '193.50',
          contraction: '41.00',
          churned: '0.00',
          reactivated: '0.00',
          closingMrr: '425.25',
          quickRatio: '5.70',
          customers: { new: 1, expanded: 2, contracted: 1, churned: 0, reactivated: 0, active: 4 },
        },
      ],
    });
  });

  it('churns everyone the month after their last revenue', async () => {
    const body = (
      await t.admin.get('/v1/analytics/mrr-movements?from=2025-04&to=2025-04').expect(200)
    ).body;
    expect(body.months[0]).toMatchObject({
      openingMrr: '370.00',
      churned: '370.00',
      closingMrr: '0.00',
      customers: { churned: 3, active: 0 },
    });
  });

  it('gives trailing-12 NRR, GRR and logo retention', async () => {
    // Base 2025-03: alpha 100, beta 220, gamma 50 = 370; in 2026-03: 59 + 300 + 0 = 359.
    expect((await t.admin.get('/v1/analytics/retention?month=2026-03').expect(200)).body).toEqual({
      month: '2026-03',
      baseMonth: '2025-03',
      nrr: '97.03', // 359 / 370
      grr: '75.41', // (59 + min(300, 220) + 0) / 370 = 279 / 370
      logoRetention: '66.67', // 2 of 3
      baseCustomers: 3,
      retainedCustomers: 2,
      currency: 'USD',
      baseMrr: '370.00',
      currentMrr: '359.00',
    });
  });

  it('gives the cohort table', async () => {
    const { cohorts } = (
      await t.admin.get('/v1/analytics/cohorts?from=2025-03&to=2026-03').expect(200)
    ).body;
    expect(cohorts.map((c: { cohort: string }) => c.cohort)).toEqual([
      '2025-03',
      '2026-02',
      '2026-03',
    ]);
    const [first, second, third] = cohorts;
    expect(first).toMatchObject({ customers: 3, startingMrr: '370.00' });
    expect(first.months).toHaveLength(13);
    expect(first.months[1]).toEqual({
      offset: 1,
      month: '2025-04',
      revenueRetention: '0.00',
      logoRetention: '0.00',
      mrr: '0.00',
      activeCustomers: 0,
    });
    // 2026-02: alpha 100 + beta 110 = 210 / 370 = 56.76 %; 2026-03: 359 / 370.
    expect(first.months[11]).toMatchObject({
      revenueRetention: '56.76',
      logoRetention: '66.67',
      mrr: '210.00',
    });
    expect(first.months[12]).toMatchObject({
      revenueRetention: '97.03',
      logoRetention: '66.67',
      mrr: '359.00',
    });
    // epsilon: 26.25 / 22.75 = 115.38 %.
    expect(second).toEqual({
      cohort: '2026-02',
      customers: 1,
      startingMrr: '22.75',
      months: [
        {
          offset: 0,
          month: '2026-02',
          revenueRetention: '100.00',
          logoRetention: '100.00',
          mrr: '22.75',
          activeCustomers: 1,
        },
        {
          offset: 1,
          month: '2026-03',
          revenueRetention: '115.38',
          logoRetention: '100.00',
          mrr: '26.25',
          activeCustomers: 1,
        },
      ],
    });
    expect(third).toMatchObject({ cohort: '2026-03', customers: 1, startingMrr: '40.00' });
  });

  it('answers CSV when asked, one row per month or cohort offset', async () => {
    const response = await t.admin
      .get('/v1/analytics/mrr-movements?from=2026-02&to=2026-03')
      .set('Accept', 'text/csv')
      .expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/csv/);
    const lines = response.text.trim().split('\r\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(
      /^month,currency,openingMrr,new,expansion,contraction,churned,reactivated,closingMrr,quickRatio,/,
    );
    expect(lines[2]).toBe(
      '2026-03,USD,232.75,40.00,193.50,41.00,0.00,0.00,425.25,5.70,1,2,1,0,0,4',
    );

    const cohorts = await t.admin
      .get('/v1/analytics/cohorts?from=2026-02&to=2026-03')
      .set('Accept', 'text/csv')
      .expect(200);
    expect(cohorts.text.trim().split('\r\n')).toEqual([
      'cohort,customers,startingMrr,offset,month,revenueRetention,logoRetention,mrr,activeCustomers,currency',
      '2026-02,1,22.75,0,2026-02,100.00,100.00,22.75,1,USD',
      '2026-02,1,22.75,1,2026-03,115.38,100.00,26.25,1,USD',
      '2026-03,1,40.00,0,2026-03,100.00,100.00,40.00,1,USD',
    ]);
    const retention = await t.admin
      .get('/v1/analytics/retention?month=2026-03')
      .set('Accept', 'text/csv')
      .expect(200);
    expect(retention.text.trim().split('\r\n')[1]).toBe(
      '2026-03,2025-03,97.03,75.41,66.67,3,2,USD,370.00,359.00',
    );
  });

  it('gives the same numbers when the history is imported again, and replaces a re-imported month', async () => {
    const before = await movements();
    await t.admin.post('/v1/revenue/import', { rows: history }).expect(200);
    expect(await movements()).toEqual(before);
    await t.admin
      .post('/v1/revenue/import', {
        rows: [{ customerExternalId: 'delta', month: '2026-03', amount: '55', currency: 'USD' }],
      })
      .expect(200);
    expect((await movements()).months[1]).toMatchObject({ new: '55.00', closingMrr: '440.25' });
    await t.admin.post('/v1/revenue/import', { rows: history }).expect(200);
    expect(await movements()).toEqual(before);
  });

  it('validates imports, naming the row and field', async () => {
    const problem = async (rows: object[]) =>
      (await t.admin.post('/v1/revenue/import', { rows }).expect(400)).body.error.details[0];
    const row = { customerExternalId: 'alpha', month: '2026-01', amount: '1', currency: 'USD' };
    expect(await problem([row, { ...row, customerExternalId: 'nobody' }])).toMatchObject({
      field: 'rows[1].customerExternalId',
    });
    expect(await problem([{ ...row, currency: 'SEK' }])).toMatchObject({
      field: 'rows[0].currency',
    });
    expect(await problem([{ ...row, month: '2026-13' }])).toMatchObject({ field: 'rows[0].month' });
    expect(await problem([{ ...row, amount: 12 }])).toMatchObject({ field: 'rows[0].amount' });
    expect(await problem([row, row])).toMatchObject({ field: 'rows[1].month' });
    // Nothing of a refused request was written.
    expect((await movements()).months[0].openingMrr).toBe('0.00');
  });

  it('validates months and ranges, naming the field', async () => {
    const field = async (path: string) =>
      (await t.admin.get(path).expect(400)).body.error.details[0].field;
    expect(await field('/v1/analytics/mrr-movements?from=2026-3&to=2026-04')).toBe('from');
    expect(await field('/v1/analytics/mrr-movements?from=2026-04&to=2026-03')).toBe('to');
    expect(await field('/v1/analytics/cohorts?from=2021-01&to=2026-01')).toBe('to'); // 61 months
    expect(await field('/v1/analytics/retention')).toBe('month');
    await t.admin.get('/v1/analytics/cohorts?from=2021-02&to=2026-01').expect(200); // 60 months
  });

  it('needs read scope to read and admin to import', async () => {
    const read = await createApiKey(t, 'read');
    await t
      .http()
      .get('/v1/analytics/retention?month=2026-03')
      .set('Authorization', `Bearer ${read}`)
      .expect(200);
    await t
      .http()
      .post('/v1/revenue/import')
      .set('Authorization', `Bearer ${read}`)
      .send({ rows: history })
      .expect(403);
  });

  it('leaves out a voided invoice', async () => {
    await t.admin.post(`/v1/invoices/${epsilonId}/void`).expect(200);
    const [february, march] = (await movements()).months;
    expect(february).toMatchObject({ new: '0.00', closingMrr: '210.00' });
    expect(march).toMatchObject({ closingMrr: '399.00', expansion: '190.00' });
  });
});
