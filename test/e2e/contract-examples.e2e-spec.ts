import { startTestApp, TestApp } from '../support/test-app';

/**
 * The examples of API.md, sent as written, in the order a new user would:
 * catalog, customer, subscription, events, usage, quote, billing run,
 * invoice, alerts and analytics. A guard against drifting from the contract.
 */
describe('API.md examples, end to end', () => {
  let t: TestApp;
  let subscriptionId: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-15T12:00:00Z' });
  });
  afterAll(() => t.close());

  it('defines the catalog', async () => {
    expect(
      (
        await t.admin.post('/v1/meters', {
          key: 'llm_tokens',
          name: 'LLM tokens',
          aggregation: 'sum',
          unit: 'token',
          dimensions: ['model', 'region'],
        })
      ).status,
    ).toBe(201);
    for (const item of [
      {
        key: 'gpt4o_tokens',
        name: 'GPT-4o tokens',
        kind: 'metered',
        meter: 'llm_tokens',
        filter: { model: 'gpt-4o' },
      },
      { key: 'platform_fee', name: 'Platform fee', kind: 'licensed' },
    ]) {
      expect((await t.admin.post('/v1/billable-items', item)).status).toBe(201);
    }
    expect(
      (await t.admin.post('/v1/plans', { key: 'pro', name: 'Pro', currency: 'USD' })).status,
    ).toBe(201);
    const version = {
      live: true,
      serviceInterval: { unit: 'month', count: 1 },
      rates: [
        {
          billableItem: 'gpt4o_tokens',
          rate: {
            model: 'graduated',
            tiers: [
              { upTo: '1000000', unitAmount: '0', flatAmount: '0' },
              { upTo: null, unitAmount: '0.000002' },
            ],
          },
        },
      ],
      licenceFees: [{ billableItem: 'platform_fee', unitAmount: '49.00' }],
      creditGrants: [
        {
          name: 'Monthly credit',
          amount: '10.00',
          appliesTo: ['gpt4o_tokens'],
          expiresAfterIntervals: 1,
        },
      ],
      limits: [{ meter: 'llm_tokens', quantity: '1000000' }],
    };
    expect((await t.admin.post('/v1/plans/pro/versions', version)).body.version).toBe(1);
    expect((await t.admin.post('/v1/plans/pro/versions', version)).body.version).toBe(2);
    const plan = await t.admin.get('/v1/plans/pro');
    expect(plan.body.liveVersion).toBe(2);
  });

  it('creates the customer and its subscription', async () => {
    const customer = await t.admin.post('/v1/customers', {
      externalId: 'acme',
      name: 'Acme AI',
      email: 'billing@acme.example',
      locale: 'fr',
      currency: 'EUR',
      taxRate: '20',
      crm: { domain: 'acme.example' },
    });
    expect(customer.status).toBe(201);
    const subscription = await t.admin.post('/v1/subscriptions', {
      customerExternalId: 'acme',
      plan: 'pro',
      version: 2,
      startDate: '2026-01-01T00:00:00Z',
      billingCadence: { unit: 'month', count: 1 },
      licenceQuantities: { platform_fee: '1' },
    });
    expect(subscription.status).toBe(201);
    subscriptionId = subscription.body.id;
    expect((await t.admin.get(`/v1/subscriptions/${subscriptionId}`)).status).toBe(200);
  });

  it('ingests events and reports usage against the limit', async () => {
    const event = {
      id: 'evt_01H',
      customerExternalId: 'acme',
      meter: 'llm_tokens',
      timestamp: '2026-03-04T10:00:00Z',
      value: '812000',
      dimensions: { model: 'gpt-4o' },
    };
    const typo = { ...event, id: 'evt_x', meter: 'llm_tokenz' };
    const response = await t.admin.post('/v1/events', { events: [event, event, typo] });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(response.body.rejected).toEqual([
      expect.objectContaining({
        index: 2,
        id: 'evt_x',
        code: 'unknown_meter',
        field: 'events[2].meter',
      }),
    ]);

    const usage = await t.admin.get('/v1/customers/acme/usage');
    expect(usage.body.subscriptions[0]).toMatchObject({
      subscriptionId,
      meters: [
        {
          meter: 'llm_tokens',
          quantity: '812000',
          limit: '1000000',
          percentOfLimit: '81.2',
          byDimensions: [{ dimensions: { model: 'gpt-4o' }, quantity: '812000' }],
        },
      ],
    });
  });

  it('prices the contract quote', async () => {
    const quote = await t.admin.post('/v1/quotes', {
      currency: 'USD',
      items: [
        {
          rate: {
            model: 'volume',
            tiers: [
              { upTo: '100', unitAmount: '1' },
              { upTo: null, unitAmount: '0.8' },
            ],
          },
          quantity: '150',
        },
        {
          rate: { model: 'percentage', rate: '2.5', fixedAmount: '0.1' },
          events: ['120.00', '35.50'],
        },
      ],
    });
    expect(quote.status).toBe(200);
    // 150 × 0.8 = 120.00; 2.5 % of 155.50 = 3.8875, + 2 × 0.10 = 4.0875 → 4.09
    expect(quote.body.items.map((i: { amount: string }) => i.amount)).toEqual(['120.00', '4.09']);
    expect(quote.body.total).toBe('124.09');
    const planQuote = await t.admin.post('/v1/quotes', {
      plan: 'pro',
      version: 2,
      usage: { llm_tokens: '2500000' },
    });
    expect(planQuote.status).toBe(200);
    // 49.00 fee + 1 500 000 × 0.000002 = 3.00 usage − 3.00 credit = 49.00
    expect(planQuote.body.total).toBe('49.00');
  });

  it('bills March with the fee, the usage, the credit and 20 % tax', async () => {
    t.clock.set('2026-03-25T00:00:00Z');
    await t.admin.post('/v1/events', {
      events: [
        {
          id: 'evt_02',
          customerExternalId: 'acme',
          meter: 'llm_tokens',
          timestamp: '2026-03-20T10:00:00Z',
          value: '438000',
          dimensions: { model: 'gpt-4o' },
        },
      ],
    });
    t.clock.set('2026-04-02T00:00:00Z');
    const run = await t.admin.post('/v1/billing-runs', { asOf: '2026-04-02T00:00:00Z' });
    expect(run.status).toBe(200);
    expect(run.body.invoicesCreated).toBe(run.body.invoicesFinalized);
    const again = await t.admin.post('/v1/billing-runs', { asOf: '2026-04-02T00:00:00Z' });
    expect(again.body).toMatchObject({ invoicesCreated: 0, invoicesFinalized: 0 });

    const list = await t.admin.get('/v1/invoices?customerExternalId=acme&status=finalized');
    const march = list.body.data.find((i: { periodStart: string }) =>
      i.periodStart.startsWith('2026-03-01'),
    );
    const invoice = (await t.admin.get(`/v1/invoices/${march.id}`)).body;
    // 1 250 000 tokens: 250 000 over the free million × 0.000002 = 0.50; fee 49.00;
    // credit −0.50; tax 20 % of 49.00 = 9.80; total 58.80 (the contract's figures)
    expect(invoice).toMatchObject({
      status: 'finalized',
      customerExternalId: 'acme',
      subscriptionId,
      subtotal: '49.50',
      creditsApplied: '-0.50',
      tax: '9.80',
      total: '58.80',
    });
    expect(invoice.number).toMatch(/^INV-\d{6}$/);
    expect(invoice.lines).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          billableItem: 'gpt4o_tokens',
          quantity: '1250000',
          amount: '0.50',
        }),
      ]),
    );
  });

  it('lists the default alert rule and the alerts the usage fired', async () => {
    const rules = await t.admin.get('/v1/alert-rules');
    expect(rules.body.data ?? rules.body).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'usage_threshold', levels: ['80', '100'] }),
      ]),
    );
    const created = await t.admin.post('/v1/alert-rules', {
      type: 'bill_shock',
      factor: '1.5',
      minIncrease: '100.00',
      channels: ['email', 'crm_opportunity'],
    });
    expect(created.status).toBe(201);
    const alerts = await t.admin.get('/v1/alerts?customerExternalId=acme');
    expect(alerts.status).toBe(200);
    expect(Array.isArray(alerts.body.data)).toBe(true);
  });

  it('imports revenue history and answers the analytics endpoints, also as CSV', async () => {
    const imported = await t.admin.post('/v1/revenue/import', {
      rows: [{ customerExternalId: 'acme', month: '2025-01', amount: '1200.00', currency: 'USD' }],
    });
    expect(imported.status).toBe(200);
    const movements = await t.admin.get('/v1/analytics/mrr-movements?from=2025-01&to=2026-03');
    expect(movements.body.currency).toBe('USD');
    expect(movements.body.months[0]).toMatchObject({ month: '2025-01', new: '1200.00' });
    expect((await t.admin.get('/v1/analytics/retention?month=2026-01')).body).toMatchObject({
      month: '2026-01',
      baseMonth: '2025-01',
      baseCustomers: 1,
    });
    const cohorts = await t.admin.get('/v1/analytics/cohorts?from=2025-01&to=2026-03');
    expect(cohorts.body.cohorts[0]).toMatchObject({ cohort: '2025-01', customers: 1 });
    const csv = await t.admin
      .get('/v1/analytics/cohorts?from=2025-01&to=2026-03')
      .set('Accept', 'text/csv');
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
  });
});
