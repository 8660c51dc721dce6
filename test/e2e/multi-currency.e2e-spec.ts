import { listInvoices, recordUsage, runBilling, totalsOf } from '../support/billing';
import {
  createBillableItem,
  createCustomer,
  createMeter,
  createPlan,
  licensedItemBody,
  meteredItemBody,
  publishPlanVersion,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/** Plan versions priced in several currencies; a subscription bills in its customer's. */
describe('multi-currency plan versions', () => {
  let t: TestApp;
  let meter: string;
  let tokens: string;
  let platform: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-20T00:00:00Z' });
    meter = (await createMeter(t)).key;
    tokens = (await createBillableItem(t, meteredItemBody(meter))).key;
    platform = (await createBillableItem(t, licensedItemBody())).key;
  });
  afterAll(() => t.close());

  /** USD base prices, EUR options: 0.01 $ / 0.009 € a token, 49 $ / 45 € a month, 10 $ / 9 € of credit. */
  const usdAndEur = () => ({
    currencies: ['USD', 'EUR'],
    rates: [
      {
        billableItem: tokens,
        rate: { model: 'per_unit' as const, unitAmount: '0.01' },
        currencyOptions: { EUR: { model: 'per_unit' as const, unitAmount: '0.009' } },
      },
    ],
    licenceFees: [
      {
        billableItem: platform,
        unitAmount: '49.00',
        currencyOptions: { EUR: { unitAmount: '45.00' } },
      },
    ],
    creditGrants: [
      {
        name: 'Monthly credit',
        amount: '10.00',
        appliesTo: [tokens],
        currencyOptions: { EUR: { amount: '2.00' } },
      },
    ],
  });

  /** 1000 tokens on 10 March, then the run after March ends: the customer's invoice. */
  const billMarchUsage = async (customerExternalId: string) => {
    await recordUsage(t, [
      { customerExternalId, meter, timestamp: '2026-03-10T10:00:00Z', value: '1000' },
    ]);
    t.clock.set('2026-04-01T02:00:00Z');
    await runBilling(t);
    const [invoice] = await listInvoices(t, `customerExternalId=${customerExternalId}`);
    return invoice;
  };
  const subscribe = (customerExternalId: string, plan: string) =>
    t.admin.post('/v1/subscriptions', {
      customerExternalId,
      plan,
      startDate: '2026-03-01T00:00:00Z',
    });

  it('bills an EUR customer on a plan priced in USD and EUR in EUR', async () => {
    const plan = (await createPlan(t, { currency: 'USD' })).key;
    const version = await publishPlanVersion(t, plan, usdAndEur());
    expect(version).toMatchObject({
      currencies: ['USD', 'EUR'],
      licenceFees: [{ unitAmount: '49', currencyOptions: { EUR: { unitAmount: '45' } } }],
    });
    const customer = await createCustomer(t, { currency: 'EUR' });
    const subscription = await subscribe(customer.externalId, plan);
    expect(subscription.status).toBe(201);
    expect(subscription.body.currency).toBe('EUR');
    const invoice = await billMarchUsage(customer.externalId);
    expect(invoice.currency).toBe('EUR');
    // fee 45.00 €; 1000 × 0.009 = 9.00 €; the EUR grant 2.00 € pays part of the tokens
    expect(invoice.lines.map((line) => [line.kind, line.amount])).toEqual([
      ['licence_fee', '45.00'],
      ['usage', '9.00'],
      ['credit', '-2.00'],
    ]);
    expect(totalsOf(invoice)).toEqual({
      subtotal: '54.00',
      creditsApplied: '-2.00',
      tax: '0.00',
      total: '52.00',
    });
    // The grant lots are in euros too: March's (spent) and April's, started an hour ago.
    const balance = await t.admin.get(
      `/v1/customers/${customer.externalId}/credit-balance?currency=EUR`,
    );
    expect(balance.body).toMatchObject({
      currency: 'EUR',
      granted: '4.00',
      consumed: '2.00',
    });
  });

  it('commits an EUR customer to the EUR amount of the commitment', async () => {
    const plan = (await createPlan(t, { currency: 'USD' })).key;
    const { rates } = usdAndEur();
    const commitment = { amount: '100.00', currencyOptions: { EUR: { amount: '80.00' } } };
    const version = await publishPlanVersion(t, plan, {
      currencies: ['USD', 'EUR'],
      rates,
      commitment,
    });
    expect(version.commitment).toEqual({
      amount: '100',
      interval: 'service_interval',
      prepaid: false,
      currencyOptions: { EUR: { amount: '80' } },
    });
    const customer = await createCustomer(t, { currency: 'EUR' });
    expect((await subscribe(customer.externalId, plan)).status).toBe(201);
    const invoice = await billMarchUsage(customer.externalId);
    // 1000 × 0.009 = 9.00 € spent of the 80.00 € committed: true-up 71.00 €
    expect(invoice.lines.map((line) => [line.kind, line.amount])).toEqual([
      ['usage', '9.00'],
      ['commitment_true_up', '71.00'],
    ]);
    expect(invoice.total).toBe('80.00');
    t.clock.set('2026-03-20T00:00:00Z');
  });

  it('refuses a commitment without an amount in a listed currency, naming the field', async () => {
    const plan = (await createPlan(t, { currency: 'USD' })).key;
    const response = await t.admin.post(`/v1/plans/${plan}/versions`, {
      ...usdAndEur(),
      licenceFees: [],
      commitment: { amount: '100.00' },
    });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([
      { field: 'commitment.currencyOptions.EUR', problem: 'is required: the version bills in EUR' },
    ]);
  });

  it('refuses an EUR customer on a USD-only plan version, naming the field', async () => {
    const plan = (await createPlan(t, { currency: 'USD' })).key;
    await publishPlanVersion(t, plan, {
      currencies: ['USD'],
      rates: [{ billableItem: tokens, rate: { model: 'per_unit', unitAmount: '0.01' } }],
    });
    const customer = await createCustomer(t, { currency: 'EUR' });
    const refused = await subscribe(customer.externalId, plan);
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toEqual([
      {
        field: 'customerExternalId',
        problem: `customer '${customer.externalId}' bills in EUR, which this plan version has no price in (it bills in USD)`,
      },
    ]);
    expect((await t.admin.get(`/v1/customers/${customer.externalId}/subscriptions`)).body).toEqual(
      expect.objectContaining({ data: [] }),
    );
  });

  it('keeps a version that lists no currencies billing in its plan currency, as before', async () => {
    const plan = (await createPlan(t, { currency: 'USD' })).key;
    await publishPlanVersion(t, plan, {
      rates: [{ billableItem: tokens, rate: { model: 'per_unit', unitAmount: '0.01' } }],
    });
    const customer = await createCustomer(t, { currency: 'EUR' });
    const subscription = await subscribe(customer.externalId, plan);
    expect(subscription.status).toBe(201);
    expect(subscription.body.currency).toBe('USD');
  });

  it.each<
    [string, { currencies?: string[]; licenceFees?: Array<Record<string, unknown>> }, string]
  >([
    [
      'a listed currency missing on an entry',
      { licenceFees: [{ billableItem: 'PLATFORM', unitAmount: '49.00' }] },
      'licenceFees[0].currencyOptions.EUR',
    ],
    [
      'an option in a currency the version does not list',
      { currencies: ['USD'] },
      'rates[0].currencyOptions.EUR',
    ],
    ['currencies without the plan currency', { currencies: ['EUR'] }, 'currencies'],
  ])('refuses a version with %s', async (_name, overrides, field) => {
    const plan = (await createPlan(t, { currency: 'USD' })).key;
    const body = {
      ...usdAndEur(),
      ...overrides,
      licenceFees: (overrides.licenceFees ?? usdAndEur().licenceFees).map((fee) => ({
        ...fee,
        billableItem: platform,
      })),
    };
    const response = await t.admin.post(`/v1/plans/${plan}/versions`, body);
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ field })]),
    );
    expect((await t.admin.get(`/v1/plans/${plan}`)).body.versions).toEqual([]);
  });

  it('refuses a plan change to a version without a price in the subscription currency', async () => {
    const plan = (await createPlan(t, { currency: 'USD' })).key;
    await publishPlanVersion(t, plan, usdAndEur());
    const customer = await createCustomer(t, { currency: 'EUR' });
    const subscription = (await subscribe(customer.externalId, plan)).body as { id: string };
    await publishPlanVersion(t, plan, {
      currencies: ['USD'],
      rates: [{ billableItem: tokens, rate: { model: 'per_unit', unitAmount: '0.02' } }],
    });
    const change = await t.admin.post(`/v1/subscriptions/${subscription.id}/plan-changes`, {
      version: 2,
    });
    expect(change.status).toBe(400);
    expect(change.body.error.details).toEqual([
      expect.objectContaining({
        field: 'version',
        problem: expect.stringContaining('bills in EUR'),
      }),
    ]);
  });
});
