import { DataSource } from 'typeorm';
import { createCustomer, createPlanWithVersion, createSubscription } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Imported history (USD) and upsell signals (alerts recommending an upgrade):
 *
 *        2026-01  2026-02  2026-03  2026-04
 * a        100      150      150      150     expands in Feb (+50)
 * b        200      180      180      250     contracts in Feb (−20), expands in Apr (+70)
 * c         50       –        80       80     churns, then reactivated in Mar (not an expansion)
 * d         –        30       60       60     new in Feb, expands in Mar (+30)
 *
 * Alerts: January upgrades for a (twice), b (at 23:30 on the 31st, still January in UTC) and c,
 * a "stay" for d (no signal); a February upgrade for b.
 */
describe('expansion analytics', () => {
  let t: TestApp;
  const ledger: Record<string, Array<[string, string]>> = {
    a: [
      ['2026-01', '100'],
      ['2026-02', '150'],
      ['2026-03', '150'],
      ['2026-04', '150'],
    ],
    b: [
      ['2026-01', '200'],
      ['2026-02', '180'],
      ['2026-03', '180'],
      ['2026-04', '250'],
    ],
    c: [
      ['2026-01', '50'],
      ['2026-03', '80'],
      ['2026-04', '80'],
    ],
    d: [
      ['2026-02', '30'],
      ['2026-03', '60'],
      ['2026-04', '60'],
    ],
  };

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-05-10T00:00:00Z' });
    const priced = await createPlanWithVersion(t);
    const subscriptions = new Map<string, string>();
    for (const externalId of Object.keys(ledger)) {
      await createCustomer(t, { externalId });
      const subscription = await createSubscription(t, {
        customerExternalId: externalId,
        plan: priced.plan.key,
      });
      subscriptions.set(externalId, subscription.id);
    }
    const rows = Object.entries(ledger).flatMap(([customerExternalId, months]) =>
      months.map(([month, amount]) => ({ customerExternalId, month, amount, currency: 'USD' })),
    );
    await t.admin.post('/v1/revenue/import', { rows }).expect(200);
    // Alerts are inserted as the evaluator stores them: the recommendation under details.
    const alert = (customer: string, firedAt: string, action: 'upgrade' | 'stay') =>
      t.app.get(DataSource).query(
        `INSERT INTO alerts (rule_id, rule_type, customer_id, subscription_id, level,
                             interval_start, interval_end, armed_from, details, channels, fired_at)
         SELECT r.id, r.type, s.customer_id, s.id, '100', $2::timestamptz, $2::timestamptz + interval '1 month', $2::timestamptz,
                jsonb_build_object('recommendation', jsonb_build_object('action', $3::text)), '{}', $2
         FROM alert_rules r, subscriptions s WHERE s.id = $1 LIMIT 1`,
        [subscriptions.get(customer), firedAt, action],
      );
    await alert('a', '2026-01-15T10:00:00Z', 'upgrade');
    await alert('a', '2026-01-20T10:00:00Z', 'upgrade');
    await alert('b', '2026-01-31T23:30:00Z', 'upgrade');
    await alert('c', '2026-01-10T10:00:00Z', 'upgrade');
    await alert('d', '2026-01-12T10:00:00Z', 'stay');
    await alert('b', '2026-02-01T00:00:00Z', 'upgrade');
  });
  afterAll(() => t.close());

  it('gives the share expanding, expansion revenue and upsell signal conversion per month', async () => {
    const body = (await t.admin.get('/v1/analytics/expansion?from=2026-01&to=2026-04').expect(200))
      .body;
    // No CRM deals were read back here: crmDeals is zero every month (see crm-sync for outcomes).
    const noDeals = {
      opened: 0,
      won: 0,
      lost: 0,
      open: 0,
      wonConversion: null,
      wonArr: '0.00',
      wonUnconverted: 0,
    };
    expect(body).toEqual({
      currency: 'USD',
      signalConversionBasis: 'proxy: signalled customers whose MRR rose within 3 months',
      months: [
        {
          // Everyone is new. Signals: a, b, c; a expands in Feb and b in Apr (within 3 months),
          // c only comes back (a reactivation): 2 of 3.
          month: '2026-01',
          activeCustomers: 3,
          expandingCustomers: 0,
          expandingShare: '0.00',
          expansion: '0.00',
          contraction: '0.00',
          netExpansion: '0.00',
          signalledCustomers: 3,
          convertedCustomers: 2,
          signalConversion: '66.67',
          crmDeals: noDeals,
        },
        {
          // a, b, d active; a expands: 1 of 3; +50 − 20. b's February signal converts in April.
          month: '2026-02',
          activeCustomers: 3,
          expandingCustomers: 1,
          expandingShare: '33.33',
          expansion: '50.00',
          contraction: '20.00',
          netExpansion: '30.00',
          signalledCustomers: 1,
          convertedCustomers: 1,
          signalConversion: '100.00',
          crmDeals: noDeals,
        },
        {
          month: '2026-03',
          activeCustomers: 4,
          expandingCustomers: 1,
          expandingShare: '25.00',
          expansion: '30.00',
          contraction: '0.00',
          netExpansion: '30.00',
          signalledCustomers: 0,
          convertedCustomers: 0,
          signalConversion: null,
          crmDeals: noDeals,
        },
        {
          month: '2026-04',
          activeCustomers: 4,
          expandingCustomers: 1,
          expandingShare: '25.00',
          expansion: '70.00',
          contraction: '0.00',
          netExpansion: '70.00',
          signalledCustomers: 0,
          convertedCustomers: 0,
          signalConversion: null,
          crmDeals: noDeals,
        },
      ],
    });
  });

  it('answers CSV when asked', async () => {
    const response = await t.admin
      .get('/v1/analytics/expansion?from=2026-02&to=2026-02')
      .set('Accept', 'text/csv')
      .expect(200);
    expect(response.text.trim().split('\r\n')).toEqual([
      'month,currency,activeCustomers,expandingCustomers,expandingShare,expansion,contraction,netExpansion,signalledCustomers,convertedCustomers,signalConversion',
      '2026-02,USD,3,1,33.33,50.00,20.00,30.00,1,1,100.00',
    ]);
  });

  it('validates the range like the other endpoints', async () => {
    const body = (await t.admin.get('/v1/analytics/expansion?from=2026-04&to=2026-03').expect(400))
      .body;
    expect(body.error.details[0].field).toBe('to');
  });
});
