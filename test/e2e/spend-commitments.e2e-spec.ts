import { InvoiceResponse } from '../../src/invoicing/dto/invoice.response';
import { listInvoices, recordUsage, runBilling, totalsOf } from '../support/billing';
import {
  createBillableItem,
  createMeter,
  createPlan,
  createSubscription,
  licensedItemBody,
  meteredItemBody,
  publishPlanVersion,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * A month with a minimum-spend rate and a commitment true-up, and a prepaid
 * commitment drawn down by capped usage, billed through the API. Every figure
 * is worked by hand in the comments.
 */
describe('rate minimums and plan commitments on invoices', () => {
  let t: TestApp;
  const keys = { tokens: '', calls: '', payments: '', platform: '' };
  const meters = { tokens: '', calls: '', payments: '' };

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-01T00:00:00Z' });
    for (const name of ['tokens', 'calls', 'payments'] as const) {
      meters[name] = (await createMeter(t, { dimensions: [] })).key;
      keys[name] = (await createBillableItem(t, meteredItemBody(meters[name]))).key;
    }
    keys.platform = (await createBillableItem(t, licensedItemBody())).key;
  });
  afterAll(() => t.close());

  const lines = (invoice: InvoiceResponse) =>
    invoice.lines.map((line) => [line.kind, line.billableItem, line.amount]);
  const invoicesOf = async (customerExternalId: string) =>
    (await listInvoices(t, `customerExternalId=${customerExternalId}`)).reverse();

  it('raises a rate to its minimum and trues the usage up to the commitment, zero usage included', async () => {
    const plan = await createPlan(t);
    await publishPlanVersion(t, plan.key, {
      rates: [
        // 10.00 per million tokens
        { billableItem: keys.tokens, rate: { model: 'per_unit', unitAmount: '0.00001' } },
        // the first 100 calls free, then 1.00 per 100 started; at least 15.00 a month
        {
          billableItem: keys.calls,
          rate: {
            model: 'package',
            packageSize: '100',
            packageAmount: '1.00',
            freeUnits: '100',
            minimumAmount: '15.00',
          },
        },
        // Lago's graduated percentage: 1 % of the first 1 000 + 2.00, 2 % beyond
        {
          billableItem: keys.payments,
          rate: {
            model: 'graduated_percentage',
            tiers: [
              { upTo: '1000', rate: '1', flatAmount: '2.00' },
              { upTo: null, rate: '2' },
            ],
          },
        },
      ],
      licenceFees: [{ billableItem: keys.platform, unitAmount: '49.00' }],
      commitment: { amount: '100.00' },
    });
    const subscription = await createSubscription(t, { plan: plan.key });
    const customer = subscription.customerExternalId;
    t.clock.set('2026-03-20T00:00:00Z');
    await recordUsage(t, [
      {
        customerExternalId: customer,
        meter: meters.tokens,
        timestamp: '2026-03-05T10:00:00Z',
        value: '2500000',
      },
      {
        customerExternalId: customer,
        meter: meters.calls,
        timestamp: '2026-03-06T10:00:00Z',
        value: '450',
      },
      {
        customerExternalId: customer,
        meter: meters.payments,
        timestamp: '2026-03-07T10:00:00Z',
        value: '600',
      },
      {
        customerExternalId: customer,
        meter: meters.payments,
        timestamp: '2026-03-08T10:00:00Z',
        value: '450',
      },
    ]);

    t.clock.set('2026-05-01T02:00:00Z');
    expect(await runBilling(t)).toMatchObject({ invoicesCreated: 2, failures: [] });
    const [march, april] = await invoicesOf(customer);

    expect(lines(march)).toEqual([
      ['licence_fee', keys.platform, '49.00'],
      // 2 500 000 × 0.00001
      ['usage', keys.tokens, '25.00'],
      // 450 − 100 free = 350 calls: 4 packages started × 1.00
      ['usage', keys.calls, '4.00'],
      // raised to the 15.00 minimum
      ['minimum_spend', keys.calls, '11.00'],
      // 1 050 of payments: 1 000 × 1 % + 2.00 + 50 × 2 % = 13.00
      ['usage', keys.payments, '13.00'],
      // usage 25.00 + 4.00 + 11.00 + 13.00 = 53.00 against 100.00 committed
      ['commitment_true_up', null, '47.00'],
    ]);
    expect(march.lines[3].description).toBe(`Item ${keys.calls}: minimum spend`);
    expect(totalsOf(march)).toEqual({
      subtotal: '149.00',
      creditsApplied: '0.00',
      tax: '0.00',
      total: '149.00',
    });

    // April, no usage at all: the calls minimum 15.00 and the payments' first flat 2.00
    // are all the usage spend; 100.00 − 17.00 = 83.00 true-up
    expect(lines(april)).toEqual([
      ['licence_fee', keys.platform, '49.00'],
      ['usage', keys.tokens, '0.00'],
      ['usage', keys.calls, '0.00'],
      ['minimum_spend', keys.calls, '15.00'],
      ['usage', keys.payments, '2.00'],
      ['commitment_true_up', null, '83.00'],
    ]);
    expect(april.total).toBe('149.00');

    // retried: nothing is billed twice
    expect(await runBilling(t)).toMatchObject({ invoicesCreated: 0 });
    expect(await invoicesOf(customer)).toHaveLength(2);
  });

  it('bills a prepaid commitment in advance, draws it down with capped usage and bills the overage', async () => {
    t.clock.set('2026-05-01T02:00:00Z');
    const plan = await createPlan(t);
    await publishPlanVersion(t, plan.key, {
      rates: [
        {
          billableItem: keys.tokens,
          rate: { model: 'per_unit', unitAmount: '0.00001', maximumAmount: '40.00' },
        },
      ],
      commitment: { amount: '30.00', prepaid: true },
    });
    const subscription = await createSubscription(t, {
      plan: plan.key,
      startDate: '2026-05-01T00:00:00Z',
    });
    const customer = subscription.customerExternalId;
    t.clock.set('2026-05-20T00:00:00Z');
    await recordUsage(t, [
      {
        customerExternalId: customer,
        meter: meters.tokens,
        timestamp: '2026-05-10T10:00:00Z',
        value: '5000000',
      },
    ]);
    t.clock.set('2026-06-01T02:00:00Z');
    expect(await runBilling(t)).toMatchObject({ failures: [] });
    const [may] = await invoicesOf(customer);
    expect(lines(may)).toEqual([
      // 5 000 000 × 0.00001 = 50.00, capped at 40.00
      ['usage', keys.tokens, '40.00'],
      ['prepaid_commitment', null, '30.00'],
      // the prepayment pays 30.00 of the usage; 10.00 is overage
      ['credit', null, '-30.00'],
    ]);
    expect(may.lines[0].breakdown.map((piece) => piece.amount)).toEqual(['50', '-10']);
    expect(totalsOf(may)).toEqual({
      subtotal: '70.00',
      creditsApplied: '-30.00',
      tax: '0.00',
      total: '40.00',
    });

    const ledger = (await t.admin.get(`/v1/customers/${customer}/credits`)).body as {
      lots: Array<{
        kind: string;
        amount: string;
        consumed: string;
        validFrom: string;
        expiresAt: string;
      }>;
    };
    expect(
      ledger.lots.map((lot) => [lot.kind, lot.amount, lot.consumed, lot.validFrom, lot.expiresAt]),
    ).toEqual([
      ['commitment', '30.00', '30.00', '2026-05-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z'],
    ]);
  });

  it('rolls unused grant credit into the next month, capped, and draws it after the fresh grant', async () => {
    t.clock.set('2026-03-01T00:00:00Z');
    const plan = await createPlan(t);
    await publishPlanVersion(t, plan.key, {
      rates: [{ billableItem: keys.tokens, rate: { model: 'per_unit', unitAmount: '0.00001' } }],
      creditGrants: [
        {
          name: 'Monthly credit',
          amount: '10.00',
          appliesTo: [keys.tokens],
          expiresAfterIntervals: 1,
          rollover: { maximumAmount: '8.00', expiresAfterIntervals: 2 },
        },
      ],
    });
    const subscription = await createSubscription(t, { plan: plan.key });
    const customer = subscription.customerExternalId;
    const tokens = (timestamp: string, value: string) => ({
      customerExternalId: customer,
      meter: meters.tokens,
      timestamp,
      value,
    });
    t.clock.set('2026-03-20T00:00:00Z');
    await recordUsage(t, [tokens('2026-03-10T10:00:00Z', '200000')]); // 2.00
    t.clock.set('2026-04-01T02:00:00Z');
    await runBilling(t);
    t.clock.set('2026-04-20T00:00:00Z');
    await recordUsage(t, [tokens('2026-04-10T10:00:00Z', '1300000')]); // 13.00
    t.clock.set('2026-05-01T02:00:00Z');
    expect(await runBilling(t)).toMatchObject({ failures: [] });
    const [march, april] = await invoicesOf(customer);

    // March: 2.00 of usage paid by March's 10.00 grant; 8.00 left, exactly the cap, rolls into April
    expect(lines(march)).toEqual([
      ['usage', keys.tokens, '2.00'],
      ['credit', null, '-2.00'],
    ]);
    // April: 13.00 paid by April's grant (expiring first) and 3.00 of the 8.00 rolled over
    expect(april.lines.map((line) => [line.kind, line.description, line.amount])).toEqual([
      ['usage', `Item ${keys.tokens}`, '13.00'],
      ['credit', 'Monthly credit', '-10.00'],
      ['credit', 'Monthly credit (rolled over)', '-3.00'],
    ]);
    expect(april.total).toBe('0.00');

    const ledger = (await t.admin.get(`/v1/customers/${customer}/credits`)).body as {
      lots: Array<Record<string, string | null>>;
      totals: Array<Record<string, string>>;
    };
    const summary = ledger.lots.map((lot) => [
      lot.kind,
      lot.amount,
      lot.consumed,
      lot.rolledOver,
      lot.validFrom,
      lot.expiresAt,
      lot.status,
    ]);
    expect(summary).toEqual([
      [
        'grant',
        '10.00',
        '2.00',
        '8.00',
        '2026-03-01T00:00:00.000Z',
        '2026-04-01T00:00:00.000Z',
        'used',
      ],
      // rolled over when March was billed, for two intervals: April and May
      [
        'rollover',
        '8.00',
        '3.00',
        '0.00',
        '2026-04-01T00:00:00.000Z',
        '2026-06-01T00:00:00.000Z',
        'active',
      ],
      [
        'grant',
        '10.00',
        '10.00',
        '0.00',
        '2026-04-01T00:00:00.000Z',
        '2026-05-01T00:00:00.000Z',
        'used',
      ],
    ]);
    expect(ledger.lots[1].rolledOverFrom).toBe(ledger.lots[0].id);
    // granted once: 20.00 = 15.00 consumed + 5.00 available
    expect(ledger.totals).toEqual([
      { currency: 'USD', granted: '20.00', consumed: '15.00', expired: '0.00', available: '5.00' },
    ]);
    const balance = (await t.admin.get(`/v1/customers/${customer}/credit-balance`)).body as {
      available: string;
    };
    // the 5.00 rolled over and May's 10.00 grant, due since May started
    expect(balance.available).toBe('15.00');

    // a retried run rolls nothing twice
    await runBilling(t);
    expect((await t.admin.get(`/v1/customers/${customer}/credits`)).body.lots).toHaveLength(3);
  });

  it('refuses a commitment without rates and a maximum below the minimum, naming the field', async () => {
    const plan = await createPlan(t);
    const response = await t.admin.post(`/v1/plans/${plan.key}/versions`, {
      commitment: { amount: '10.00' },
      rates: [],
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body)).toContain('"field":"commitment"');
    const bounds = await t.admin.post(`/v1/plans/${plan.key}/versions`, {
      rates: [
        {
          billableItem: keys.tokens,
          rate: { model: 'per_unit', unitAmount: '1', minimumAmount: '5', maximumAmount: '4' },
        },
      ],
    });
    expect(bounds.status).toBe(400);
    expect(JSON.stringify(bounds.body)).toContain('"field":"rates[0].rate.maximumAmount"');
  });
});
