import { createCustomer } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The ledger of trailing-average.spec.ts, imported (USD): A 90 in 2026-01 and 30 in 2026-04,
 * B 300 in 2026-02, C 10.01 in 2026-01. Trailing 3-month averages: A 30, 30, 30, 10, 10, 10 from
 * January; B 100 from February to April; C 3.34 from January to March.
 */
describe('smoothed MRR movements', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-06-10T00:00:00Z' });
    for (const externalId of ['A', 'B', 'C']) await createCustomer(t, { externalId });
    const row = (customerExternalId: string, month: string, amount: string) => ({
      customerExternalId,
      month,
      amount,
      currency: 'USD',
    });
    await t.admin
      .post('/v1/revenue/import', {
        rows: [
          row('A', '2026-01', '90'),
          row('A', '2026-04', '30'),
          row('B', '2026-02', '300'),
          row('C', '2026-01', '10.01'),
        ],
      })
      .expect(200);
  });
  afterAll(() => t.close());

  const movements = async (query: string) =>
    (await t.admin.get(`/v1/analytics/mrr-movements?from=2026-02&to=2026-05${query}`).expect(200))
      .body.months;

  it('computes movements on trailing 3-month average MRR', async () => {
    const [february, march, april, may] = await movements('&smoothing=trailing3');
    expect(february).toEqual({
      month: '2026-02',
      openingMrr: '33.34',
      new: '100.00',
      expansion: '0.00',
      contraction: '0.00',
      churned: '0.00',
      reactivated: '0.00',
      closingMrr: '133.34',
      quickRatio: null,
      customers: { new: 1, expanded: 0, contracted: 0, churned: 0, reactivated: 0, active: 3 },
    });
    expect(march).toMatchObject({ openingMrr: '133.34', closingMrr: '133.34', quickRatio: null });
    // A 30 → 10 and C's window ends: (0) / (20 + 3.34).
    expect(april).toMatchObject({
      contraction: '20.00',
      churned: '3.34',
      closingMrr: '110.00',
      quickRatio: '0.00',
      customers: { new: 0, expanded: 0, contracted: 1, churned: 1, reactivated: 0, active: 2 },
    });
    expect(may).toMatchObject({
      churned: '100.00',
      closingMrr: '10.00',
      customers: { churned: 1, active: 1 },
    });
  });

  it('keeps the raw view by default, where A churns in February and comes back in April', async () => {
    const [february, , april] = await movements('');
    expect(february).toMatchObject({ churned: '100.01', new: '300.00', closingMrr: '300.00' });
    expect(april).toMatchObject({ reactivated: '30.00', customers: { reactivated: 1 } });
    expect(await movements('&smoothing=none')).toEqual(await movements(''));
  });

  it('refuses an unknown smoothing, naming the field', async () => {
    const body = (
      await t.admin
        .get('/v1/analytics/mrr-movements?from=2026-02&to=2026-05&smoothing=ema')
        .expect(400)
    ).body;
    expect(body.error.details[0].field).toBe('smoothing');
  });
});
