import { DataSource } from 'typeorm';
import { InvoiceResponse } from '../../src/invoicing/dto/invoice.response';
import {
  lineSummary,
  listInvoices,
  recordUsage,
  runBilling,
  sendEvents,
  totalsOf,
  UsageEvent,
} from '../support/billing';
import {
  createBillableItem,
  createCustomer,
  createMeter,
  createPlan,
  createPlanWithVersion,
  createSubscribedCustomer,
  createSubscription,
  licensedItemBody,
  meteredItemBody,
  PlanVersionBody,
  publishPlanVersion,
  uniqueKey,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('Invoices', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-20T00:00:00Z' });
  });
  afterAll(() => t.close());

  /** Back to March 20th, when each test sets up its usage. */
  beforeEach(() => t.clock.set('2026-03-20T00:00:00Z'));

  /** A plan with one live version over the given items, in `currency`. */
  const planOf = async (currency: string, version: PlanVersionBody) => {
    const { key } = await createPlan(t, { currency });
    await publishPlanVersion(t, key, version);
    return key;
  };
  const upcomingOf = async (subscriptionId: string): Promise<InvoiceResponse> => {
    const response = await t.admin.get(`/v1/subscriptions/${subscriptionId}/upcoming-invoice`);
    expect(response.status).toBe(200);
    return response.body;
  };
  const balanceOf = async (externalId: string) => {
    const response = await t.admin.get(`/v1/customers/${externalId}/credit-balance`);
    expect(response.status).toBe(200);
    return response.body;
  };
  /** What must agree between a preview and the invoice later billed. */
  const billedContent = (invoice: InvoiceResponse) => ({
    periodStart: invoice.periodStart,
    periodEnd: invoice.periodEnd,
    currency: invoice.currency,
    lines: invoice.lines,
    ...totalsOf(invoice),
  });

  describe('a plan with every rate model, a licence fee, a credit grant and 20 % tax', () => {
    let customer: string;
    let subscriptionId: string;
    let upcoming: InvoiceResponse;
    const keys: Record<string, string> = {};

    beforeAll(async () => {
      t.clock.set('2026-03-20T00:00:00Z');
      const tokens = await createMeter(t, { dimensions: ['model'] });
      const calls = await createMeter(t, { aggregation: 'count', dimensions: [] });
      const storage = await createMeter(t, { aggregation: 'max', dimensions: [] });
      const payments = await createMeter(t, { dimensions: [] });
      const payouts = await createMeter(t, { dimensions: [] });
      const item = async (name: string, meter: string, filter: Record<string, string> = {}) => {
        keys[name] = (await createBillableItem(t, meteredItemBody(meter, { filter }))).key;
      };
      await item('gpt4o', tokens.key, { model: 'gpt-4o' });
      await item('mini', tokens.key, { model: 'mini' });
      await item('calls', calls.key);
      await item('storage', storage.key);
      await item('payments', payments.key);
      await item('payouts', payouts.key);
      keys.seats = (await createBillableItem(t, licensedItemBody())).key;
      const plan = await planOf('USD', {
        serviceInterval: { unit: 'month', count: 1 },
        rates: [
          {
            billableItem: keys.gpt4o,
            rate: {
              model: 'graduated',
              tiers: [
                { upTo: '1000', unitAmount: '0' },
                { upTo: '5000', unitAmount: '0.002', flatAmount: '1.00' },
                { upTo: null, unitAmount: '0.001' },
              ],
            },
          },
          { billableItem: keys.mini, rate: { model: 'per_unit', unitAmount: '0.00005' } },
          {
            billableItem: keys.calls,
            rate: { model: 'package', packageSize: '10', packageAmount: '0.50' },
          },
          {
            billableItem: keys.storage,
            rate: {
              model: 'volume',
              tiers: [
                { upTo: '10', unitAmount: '2' },
                { upTo: null, unitAmount: '1.5', flatAmount: '5' },
              ],
            },
          },
          {
            billableItem: keys.payments,
            rate: {
              model: 'percentage',
              rate: '2.5',
              fixedAmount: '0.10',
              freeEvents: '1',
              minPerEvent: '0.20',
              maxPerEvent: '5.00',
            },
          },
          { billableItem: keys.payouts, rate: { model: 'percentage', rate: '1', freeEvents: '2' } },
        ],
        licenceFees: [{ billableItem: keys.seats, unitAmount: '10.00' }],
        creditGrants: [
          {
            name: 'Monthly credit',
            amount: '5.00',
            appliesTo: [keys.gpt4o, keys.mini],
            expiresAfterIntervals: 1,
          },
        ],
      });
      customer = (await createCustomer(t, { taxRate: '20', currency: 'EUR' })).externalId;
      subscriptionId = (
        await createSubscription(t, {
          customerExternalId: customer,
          plan,
          startDate: '2026-03-01T00:00:00Z',
          licenceQuantities: { [keys.seats]: '3' },
        })
      ).id;
      const at = (day: number, minute: number) =>
        `2026-03-0${day}T10:${String(minute).padStart(2, '0')}:00Z`;
      const events = (
        meter: string,
        values: string[],
        day: number,
        dimensions?: Record<string, string>,
      ) =>
        values.map((value, i): UsageEvent => ({
          customerExternalId: customer,
          meter,
          timestamp: at(day, i + 1),
          value,
          dimensions,
        }));
      await recordUsage(t, [
        ...events(tokens.key, ['3000', '3500'], 2, { model: 'gpt-4o' }),
        ...events(tokens.key, ['2500'], 4, { model: 'mini' }),
        ...events(
          calls.key,
          Array.from({ length: 25 }, () => '1'),
          5,
        ),
        ...events(storage.key, ['8', '12', '11'], 6),
        ...events(payments.key, ['100.00', '2.00', '400.00', '50.00'], 8),
        ...events(payouts.key, ['1000', '500', '250'], 9),
      ]);
      upcoming = await upcomingOf(subscriptionId);
    });

    it('previews the period so far as an upcoming invoice, every line rounded half-up to the cent', () => {
      expect(upcoming).toMatchObject({
        id: null,
        number: null,
        status: 'upcoming',
        customerExternalId: customer,
        subscriptionId,
        // The plan's currency; the customer's EUR is informational.
        currency: 'USD',
        periodStart: '2026-03-01T00:00:00.000Z',
        periodEnd: '2026-04-01T00:00:00.000Z',
      });
      expect(lineSummary(upcoming)).toEqual([
        // 3 seats × 10.00, billed in advance for March
        [keys.seats, '3', '30.00'],
        // graduated, 6500 tokens: 1000 free; 4000 × 0.002 = 8.00 + 1.00 flat; 1500 × 0.001 = 1.50 → 10.50
        [keys.gpt4o, '6500', '10.50'],
        // 2500 × 0.00005 = 0.125 → 0.13 (half-up)
        [keys.mini, '2500', '0.13'],
        // package of 10: 25 calls → 3 packages (a partial one rounds up) × 0.50
        [keys.calls, '25', '1.50'],
        // volume: max 12 falls in the second tier: 12 × 1.5 + 5 flat
        [keys.storage, '12', '23.00'],
        // percentage of 552.00: event 1 (100.00) free; 2.00 → 0.05 + 0.10 = 0.15 raised to the 0.20 minimum;
        // 400.00 → 10.00 + 0.10 capped at 5.00; 50.00 → 1.25 + 0.10 = 1.35; 0.20 + 5.00 + 1.35 = 6.55
        [keys.payments, '552', '6.55'],
        // 1 % of 1750 with the first two events (1000 + 500) free: 1 % × 250 = 2.50
        [keys.payouts, '1750', '2.50'],
        // the grant pays for GPT-4o tokens first (soonest expiring lot, lines in order)
        [null, null, '-5.00'],
      ]);
      // 30.00 + 10.50 + 0.13 + 1.50 + 23.00 + 6.55 + 2.50 = 74.18; 20 % of (74.18 − 5.00) = 13.836 → 13.84
      expect(totalsOf(upcoming)).toEqual({
        subtotal: '74.18',
        creditsApplied: '-5.00',
        tax: '13.84',
        total: '83.02',
      });
    });

    it('explains each line: kind, unit price, exact amount and breakdown', () => {
      const line = (billableItem: string | null) =>
        upcoming.lines.find((l) => l.billableItem === billableItem);
      expect(line(keys.seats)).toMatchObject({
        kind: 'licence_fee',
        unitAmount: '10',
        exactAmount: '30',
      });
      expect(line(keys.mini)).toMatchObject({
        kind: 'usage',
        unitAmount: '0.00005',
        exactAmount: '0.125',
      });
      expect(line(keys.payments)?.breakdown).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            description: expect.stringContaining('minimum'),
            quantity: '1',
            amount: '0.05',
          }),
          expect.objectContaining({
            description: expect.stringContaining('maximum'),
            quantity: '1',
            amount: '-5.1',
          }),
        ]),
      );
      expect(line(null)).toMatchObject({
        kind: 'credit',
        description: 'Monthly credit',
        servicePeriodStart: '2026-03-01T00:00:00.000Z',
        servicePeriodEnd: '2026-04-01T00:00:00.000Z',
      });
    });

    it('counts the credit of the open interval, not issued yet, in the real-time balance', async () => {
      // The 5.00 grant of March is not in the ledger yet (issued when March is billed);
      // the usage so far would consume all of it.
      expect(await balanceOf(customer)).toEqual({
        currency: 'USD',
        granted: '5.00',
        consumed: '0.00',
        expired: '0.00',
        available: '5.00',
        pendingUsage: '5.00',
        balance: '0.00',
        blocks: [],
      });
    });

    it('bills exactly what the upcoming invoice showed for the same usage, numbered at finalization', async () => {
      t.clock.set('2026-04-01T01:00:00Z');
      await runBilling(t);
      const [invoice] = await listInvoices(t, `subscriptionId=${subscriptionId}`);
      expect(invoice).toMatchObject({
        status: 'finalized',
        number: expect.stringMatching(/^INV-\d{6}$/),
      });
      expect(invoice.finalizedAt).toBe('2026-04-01T01:00:00.000Z');
      expect(billedContent(invoice)).toEqual(billedContent(upcoming));
      expect((await t.admin.get(`/v1/invoices/${invoice.id}`)).body).toEqual(invoice);
    });

    it('after billing, the balance shows the consumed grant and the new interval', async () => {
      t.clock.set('2026-04-01T01:00:00Z');
      // March's lot: 5.00 granted, 5.00 consumed. April's 5.00 grant is due and nothing of April is used yet.
      expect(await balanceOf(customer)).toEqual({
        currency: 'USD',
        granted: '10.00',
        consumed: '5.00',
        expired: '0.00',
        available: '5.00',
        pendingUsage: '0.00',
        balance: '5.00',
        blocks: [],
      });
    });
  });

  it('rounds to no decimals in JPY and to three in KWD', async () => {
    const calls = await createMeter(t, { aggregation: 'count', dimensions: [] });
    const item = (await createBillableItem(t, meteredItemBody(calls.key))).key;
    const seats = (await createBillableItem(t, licensedItemBody())).key;
    const billOf = async (currency: string, unitAmount: string, fee: string, taxRate: string) => {
      const plan = await planOf(currency, {
        rates: [{ billableItem: item, rate: { model: 'per_unit', unitAmount } }],
        licenceFees: [{ billableItem: seats, unitAmount: fee }],
      });
      const customer = (await createCustomer(t, { taxRate })).externalId;
      const { id } = await createSubscription(t, { customerExternalId: customer, plan });
      const call = (hour: number): UsageEvent => ({
        customerExternalId: customer,
        meter: calls.key,
        timestamp: `2026-03-10T0${hour}:00:00Z`,
      });
      await recordUsage(t, [call(1), call(2), call(3)]);
      return upcomingOf(id);
    };

    const yen = await billOf('JPY', '0.5', '1200', '10');
    // 3 × 0.5 = 1.5 → 2 yen; 10 % of 1202 = 120.2 → 120
    expect(lineSummary(yen)).toEqual([
      [seats, '1', '1200'],
      [item, '3', '2'],
    ]);
    expect(totalsOf(yen)).toEqual({
      subtotal: '1202',
      creditsApplied: '0',
      tax: '120',
      total: '1322',
    });

    const dinar = await billOf('KWD', '0.0125', '5.250', '0');
    // 3 × 0.0125 = 0.0375 → 0.038
    expect(lineSummary(dinar)).toEqual([
      [seats, '1', '5.250'],
      [item, '3', '0.038'],
    ]);
    expect(totalsOf(dinar)).toEqual({
      subtotal: '5.288',
      creditsApplied: '0.000',
      tax: '0.000',
      total: '5.288',
    });
  });

  it('bills the weeks that ended in the month with a weekly service interval, and closes only those', async () => {
    const priced = await createPlanWithVersion(t, {
      version: {
        serviceInterval: { unit: 'week', count: 1 },
        limits: [],
      },
    });
    const plan = await planOf('USD', {
      serviceInterval: { unit: 'week', count: 1 },
      rates: [
        {
          billableItem: priced.meteredItem.key,
          rate: {
            model: 'graduated',
            tiers: [
              { upTo: '100', unitAmount: '0' },
              { upTo: null, unitAmount: '0.01' },
            ],
          },
        },
      ],
      licenceFees: [{ billableItem: priced.licensedItem.key, unitAmount: '7.00' }],
    });
    const customer = (await createCustomer(t)).externalId;
    // Monday March 2nd, monthly: the period is [Mar 2, Apr 2); weeks start Mar 2, 9, 16, 23 and 30.
    const { id } = await createSubscription(t, {
      customerExternalId: customer,
      plan,
      startDate: '2026-03-02T00:00:00Z',
    });
    const usage = (timestamp: string, value: string): UsageEvent => ({
      customerExternalId: customer,
      meter: priced.meter.key,
      timestamp,
      value,
    });
    await recordUsage(t, [
      usage('2026-03-03T10:00:00Z', '150'),
      usage('2026-03-10T10:00:00Z', '50'),
      usage('2026-03-17T10:00:00Z', '300'),
    ]);
    t.clock.set('2026-04-01T00:00:00Z');
    // The week of March 30th ends in the next period: its usage is billed there.
    await recordUsage(t, [usage('2026-03-31T10:00:00Z', '500')]);

    t.clock.set('2026-04-02T01:00:00Z');
    await runBilling(t);
    const [invoice] = await listInvoices(t, `subscriptionId=${id}`);
    const weekly = (kind: string) =>
      invoice.lines
        .filter((l) => l.kind === kind)
        .map((l) => [l.servicePeriodStart.slice(0, 10), l.quantity, l.amount]);
    // Each week's first 100 units are free again: 50 × 0.01, 0, 200 × 0.01, 0
    expect(weekly('usage')).toEqual([
      ['2026-03-02', '150', '0.50'],
      ['2026-03-09', '50', '0.00'],
      ['2026-03-16', '300', '2.00'],
      ['2026-03-23', '0', '0.00'],
    ]);
    // A fee in advance for each of the five weeks that start in the period: 5 × 7.00
    expect(weekly('licence_fee').map(([start]) => start)).toEqual([
      '2026-03-02',
      '2026-03-09',
      '2026-03-16',
      '2026-03-23',
      '2026-03-30',
    ]);
    expect(invoice.total).toBe('37.50');

    // Usage is closed up to March 30th, the end of the last week billed.
    const late = await sendEvents(t, [
      usage('2026-03-29T10:00:00Z', '1'),
      usage('2026-03-31T11:00:00Z', '1'),
    ]);
    expect(late.rejected.map((r) => [r.index, r.code])).toEqual([[0, 'period_closed']]);
    expect(late.accepted).toBe(1);
  });

  it('prorates the licence fee of a subscription starting mid-month with anchor day 1', async () => {
    const priced = await createPlanWithVersion(t, {
      version: { licenceFees: [] },
    });
    const plan = await planOf('USD', {
      rates: [
        { billableItem: priced.meteredItem.key, rate: { model: 'per_unit', unitAmount: '0.01' } },
      ],
      licenceFees: [{ billableItem: priced.licensedItem.key, unitAmount: '31.00' }],
    });
    const customer = (await createCustomer(t)).externalId;
    const { id } = await createSubscription(t, {
      customerExternalId: customer,
      plan,
      startDate: '2026-03-16T00:00:00Z',
      billingCadence: { unit: 'month', count: 1, anchorDay: 1 },
    });
    await recordUsage(t, [
      {
        customerExternalId: customer,
        meter: priced.meter.key,
        timestamp: '2026-03-17T10:00:00Z',
        value: '100',
      },
    ]);

    const upcoming = await upcomingOf(id);
    expect([upcoming.periodStart, upcoming.periodEnd]).toEqual([
      '2026-03-16T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
    ]);
    // 16 of March's 31 days: 31.00 × 16/31 = 16.00; 100 × 0.01 = 1.00
    expect(upcoming.lines[0]).toMatchObject({
      kind: 'licence_fee',
      description: expect.stringContaining('(prorated)'),
      quantity: '1',
      exactAmount: '16',
      amount: '16.00',
      servicePeriodStart: '2026-03-16T00:00:00.000Z',
      servicePeriodEnd: '2026-04-01T00:00:00.000Z',
    });
    expect(upcoming.total).toBe('17.00');

    t.clock.set('2026-04-01T01:00:00Z');
    await runBilling(t);
    const [invoice] = await listInvoices(t, `subscriptionId=${id}`);
    expect(billedContent(invoice)).toEqual(billedContent(upcoming));
    // From April on, whole months at the full fee.
    const april = await upcomingOf(id);
    expect([april.periodStart, april.lines[0].amount]).toEqual([
      '2026-04-01T00:00:00.000Z',
      '31.00',
    ]);
  });

  it('applies a top-up to the upcoming invoice and counts it as pending in the balance', async () => {
    const { customer, subscription, priced } = await createSubscribedCustomer(t);
    const topUp = await t.admin.post(`/v1/customers/${customer.externalId}/credits`, {
      amount: '20.00',
      currency: 'USD',
    });
    expect(topUp.status).toBe(201);
    await recordUsage(t, [
      {
        customerExternalId: customer.externalId,
        meter: priced.meter.key,
        timestamp: '2026-03-10T10:00:00Z',
        value: '1000',
      },
    ]);

    const upcoming = await upcomingOf(subscription.id);
    // 49.00 + 10.00; a top-up pays for every item, from the first line on
    expect(totalsOf(upcoming)).toEqual({
      subtotal: '59.00',
      creditsApplied: '-20.00',
      tax: '0.00',
      total: '39.00',
    });
    expect(await balanceOf(customer.externalId)).toMatchObject({
      granted: '20.00',
      available: '20.00',
      pendingUsage: '20.00',
      balance: '0.00',
    });
  });

  describe('reading, voiding and guarding invoices', () => {
    let customer: string;
    let meter: string;
    let subscriptionId: string;
    let invoices: InvoiceResponse[];

    beforeAll(async () => {
      t.clock.set('2026-03-20T00:00:00Z');
      const subscribed = await createSubscribedCustomer(t, {});
      customer = subscribed.customer.externalId;
      meter = subscribed.priced.meter.key;
      subscriptionId = subscribed.subscription.id;
      t.clock.set('2026-06-01T01:00:00Z');
      await runBilling(t);
      invoices = await listInvoices(t, `customerExternalId=${customer}`);
    });
    beforeEach(() => t.clock.set('2026-06-01T01:00:00Z'));

    it("lists a customer's invoices newest first, page by page, with filters", async () => {
      expect(invoices.map((i) => i.periodStart.slice(0, 7))).toEqual([
        '2026-05',
        '2026-04',
        '2026-03',
      ]);
      const first = await t.admin.get(`/v1/invoices?customerExternalId=${customer}&limit=2`);
      expect(first.body.data.map((i: InvoiceResponse) => i.id)).toEqual([
        invoices[0].id,
        invoices[1].id,
      ]);
      const second = await t.admin.get(
        `/v1/invoices?customerExternalId=${customer}&limit=2&cursor=${first.body.nextCursor}`,
      );
      expect(second.body.data.map((i: InvoiceResponse) => i.id)).toEqual([invoices[2].id]);
      expect(second.body.nextCursor).toBeNull();
      expect(
        await listInvoices(t, `subscriptionId=${subscriptionId}&status=finalized`),
      ).toHaveLength(3);
      expect(await listInvoices(t, `customerExternalId=${customer}&status=draft`)).toEqual([]);
    });

    it('answers bad filters with 400 and unknown invoices with 404', async () => {
      expect((await t.admin.get('/v1/invoices?status=paid')).status).toBe(400);
      expect((await t.admin.get('/v1/invoices?cursor=nonsense')).status).toBe(400);
      expect((await t.admin.get('/v1/invoices?subscriptionId=42')).status).toBe(400);
      expect((await t.admin.get('/v1/invoices/42')).status).toBe(404);
      expect(
        (await t.admin.get('/v1/invoices/00000000-0000-4000-8000-000000000000')).body.error.code,
      ).toBe('not_found');
      expect(
        (
          await t.admin.get(
            '/v1/subscriptions/00000000-0000-4000-8000-000000000000/upcoming-invoice',
          )
        ).status,
      ).toBe(404);
      expect(
        (await t.admin.get(`/v1/customers/${uniqueKey('nobody')}/credit-balance`)).status,
      ).toBe(404);
    });

    it('voids a finalized invoice once; it keeps its number and its period stays closed', async () => {
      const march = invoices[2];
      const voided = await t.admin.post(`/v1/invoices/${march.id}/void`);
      expect(voided.status).toBe(200);
      expect(voided.body).toMatchObject({
        status: 'void',
        number: march.number,
        total: march.total,
        voidedAt: '2026-06-01T01:00:00.000Z',
      });
      const again = await t.admin.post(`/v1/invoices/${march.id}/void`);
      expect([again.status, again.body.error.code]).toEqual([409, 'conflict']);
      expect(
        (await t.admin.post('/v1/invoices/00000000-0000-4000-8000-000000000000/void')).status,
      ).toBe(404);

      // Voiding re-opens nothing: no new invoice for March, and its events stay refused.
      expect(await runBilling(t)).toMatchObject({ invoicesCreated: 0 });
      const late = await sendEvents(t, [
        { customerExternalId: customer, meter, timestamp: '2026-03-15T10:00:00Z' },
      ]);
      expect(late.rejected.map((r) => r.code)).toEqual(['period_closed']);
      expect(await listInvoices(t, `customerExternalId=${customer}&status=void`)).toHaveLength(1);
    });

    it('refuses any change to a finalized invoice or its lines in the database', async () => {
      const db = t.app.get(DataSource);
      const [latest] = invoices;
      await expect(
        db.query('UPDATE invoices SET total = 0 WHERE id = $1', [latest.id]),
      ).rejects.toThrow(/cannot be changed/);
      await expect(
        db.query('DELETE FROM invoice_lines WHERE invoice_id = $1', [latest.id]),
      ).rejects.toThrow(/cannot be changed/);
      await expect(db.query('DELETE FROM invoices WHERE id = $1', [latest.id])).rejects.toThrow(
        /cannot be deleted/,
      );
    });

    it('has no upcoming invoice once the subscription has ended', async () => {
      const ended = await createSubscription(t, {
        startDate: '2026-03-01T00:00:00Z',
        endDate: '2026-04-01T00:00:00Z',
      });
      const response = await t.admin.get(`/v1/subscriptions/${ended.id}/upcoming-invoice`);
      expect([response.status, response.body.error.code]).toEqual([404, 'not_found']);
    });
  });
});
