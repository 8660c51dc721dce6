import { Decimal, sumDecimals } from '../../src/common/decimal';
import { InvoiceResponse } from '../../src/invoicing/dto/invoice.response';
import { listInvoices, recordUsage, runBilling, totalsOf } from '../support/billing';
import {
  createBillableItem,
  createMeter,
  createPlan,
  createSubscription,
  meteredItemBody,
  publishPlanVersion,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Prepaid blocks sold with volume discounts (1 M tokens for 10.00, 10 M for
 * 80.00), bought through the API, drawn before overage and billed on the next
 * invoice. Figures worked by hand in the comments.
 */
describe('prepaid blocks', () => {
  let t: TestApp;
  let meter: string;
  let tokens: string;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-01T00:00:00Z' });
    meter = (await createMeter(t, { dimensions: [] })).key;
    tokens = (await createBillableItem(t, meteredItemBody(meter))).key;
  });
  afterAll(() => t.close());

  const lines = (invoice: InvoiceResponse) =>
    invoice.lines.map((line) => [line.kind, line.quantity, line.amount]);

  it('sells blocks once per key, draws them before overage, and shows them on the balance and invoice', async () => {
    const plan = (await createPlan(t)).key;
    const version = await publishPlanVersion(t, plan, {
      // 20.00 per million tokens beyond the blocks
      rates: [{ billableItem: tokens, rate: { model: 'per_unit', unitAmount: '0.00002' } }],
      prepaidBlocks: [
        {
          billableItem: tokens,
          tiers: [
            { units: '1000000', price: '10.00' },
            { units: '10000000', price: '80.00' },
          ],
        },
      ],
    });
    expect(version.prepaidBlocks).toEqual([
      {
        billableItem: tokens,
        tiers: [
          { units: '1000000', price: '10' },
          { units: '10000000', price: '80' },
        ],
        validForDays: 365,
      },
    ]);
    const subscription = await createSubscription(t, { plan });
    const customer = subscription.customerExternalId;
    const path = `/v1/customers/${customer}/prepaid-blocks`;
    t.clock.set('2026-03-05T00:00:00Z');

    // 10 M reach the volume tier: 80.00, not 10 × 10.00
    const body = { subscriptionId: subscription.id, billableItem: tokens, units: '10000000' };
    const bought = await t.admin.post(path, body).set('Idempotency-Key', 'blocks-1');
    expect(bought.status).toBe(201);
    expect(bought.body).toMatchObject({
      billableItem: tokens,
      currency: 'USD',
      units: '10000000',
      drawn: '0',
      remaining: '10000000',
      price: '80.00',
      status: 'active',
      invoiceId: null,
      expiresAt: '2027-03-05T00:00:00.000Z',
    });
    const retried = await t.admin.post(path, body).set('Idempotency-Key', 'blocks-1');
    expect(retried.status).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toEqual(bought.body);
    const reused = await t.admin
      .post(path, { ...body, units: '1000000' })
      .set('Idempotency-Key', 'blocks-1');
    expect(reused.status).toBe(409);
    expect((await t.admin.get(path)).body.data).toHaveLength(1);

    // The entitlements answer shows the units the blocks hold for the meter.
    const quotas = { quotas: [{ meter, window: 'day', quantity: '100000000', kind: 'soft' }] };
    await t.admin.put(`/v1/plans/${plan}/versions/1/quotas`, quotas).expect(200);
    const entitlement = await t.admin.get(`/v1/customers/${customer}/entitlements/${meter}`);
    expect(entitlement.body.credit).toMatchObject({ currency: 'USD', prepaidUnits: '10000000' });

    // 12 M tokens in March: 10 M from the blocks, 2 M overage at 20.00 per million = 40.00
    t.clock.set('2026-03-20T00:00:00Z');
    await recordUsage(t, [
      { customerExternalId: customer, meter, timestamp: '2026-03-10T10:00:00Z', value: '12000000' },
    ]);
    const balance = await t.admin.get(`/v1/customers/${customer}/credit-balance`);
    expect(balance.status).toBe(200);
    expect(balance.body.blocks).toEqual([
      {
        id: bought.body.id,
        billableItem: tokens,
        units: '10000000',
        drawn: '0',
        pendingUsage: '10000000',
        remaining: '0',
        expiresAt: '2027-03-05T00:00:00.000Z',
      },
    ]);

    t.clock.set('2026-04-01T02:00:00Z');
    await runBilling(t);
    const [invoice] = await listInvoices(t, `customerExternalId=${customer}`);
    expect(lines(invoice)).toEqual([
      ['usage', '2000000', '40.00'],
      ['prepaid_block_drawdown', '10000000', '0.00'],
      ['prepaid_block', '10000000', '80.00'],
    ]);
    expect(totalsOf(invoice)).toMatchObject({ subtotal: '120.00', total: '120.00' });

    // A second run bills and draws nothing again.
    await runBilling(t);
    expect(await listInvoices(t, `customerExternalId=${customer}`)).toHaveLength(1);
    const [lot] = (await t.admin.get(path)).body.data;
    expect(lot).toMatchObject({
      drawn: '10000000',
      remaining: '0',
      status: 'used_up',
      invoiceId: invoice.id,
    });
  });

  it('draws a block once across two subscriptions of one customer billed in one round, as the balance foresaw', async () => {
    const plan = (await createPlan(t)).key;
    await publishPlanVersion(t, plan, {
      rates: [{ billableItem: tokens, rate: { model: 'per_unit', unitAmount: '0.00002' } }],
      prepaidBlocks: [{ billableItem: tokens, tiers: [{ units: '1000000', price: '10.00' }] }],
    });
    const first = await createSubscription(t, { plan });
    const customer = first.customerExternalId;
    const second = await createSubscription(t, { plan, customerExternalId: customer });
    const path = `/v1/customers/${customer}/prepaid-blocks`;
    t.clock.set('2026-03-05T00:00:00Z');
    const bought = await t.admin
      .post(path, { subscriptionId: first.id, billableItem: tokens, units: '1000000' })
      .set('Idempotency-Key', 'shared-block');
    expect(bought.status).toBe(201);

    // Both subscriptions rate the customer's 600 k tokens: the first invoice priced draws
    // 600 k, the second the 400 k left and 200 k overage at 20.00 per million = 4.00.
    t.clock.set('2026-03-20T00:00:00Z');
    await recordUsage(t, [
      { customerExternalId: customer, meter, timestamp: '2026-03-10T10:00:00Z', value: '600000' },
    ]);
    const balance = await t.admin.get(`/v1/customers/${customer}/credit-balance`);
    expect(balance.body.blocks).toMatchObject([{ pendingUsage: '1000000', remaining: '0' }]);

    t.clock.set('2026-04-01T02:00:00Z');
    expect(await runBilling(t)).toMatchObject({ invoicesCreated: 2, failures: [] });
    const invoices = await listInvoices(t, `customerExternalId=${customer}`);
    const drawn = invoices.flatMap((invoice) =>
      invoice.lines.filter((line) => line.kind === 'prepaid_block_drawdown'),
    );
    expect(drawn.map((line) => line.quantity).sort()).toEqual(['400000', '600000']);
    expect(invoices.map((invoice) => invoice.subscriptionId).sort()).toEqual(
      [first.id, second.id].sort(),
    );
    const subtotals = invoices.map((invoice) => new Decimal(invoice.subtotal));
    // 10.00 for the block, on the first subscription's invoice, and 4.00 overage
    expect(sumDecimals(subtotals).toFixed(2)).toBe('14.00');
    const [purchase] = invoices.filter((invoice) =>
      invoice.lines.some((line) => line.kind === 'prepaid_block'),
    );
    expect(purchase.subscriptionId).toBe(first.id);
    expect((await t.admin.get(path)).body.data).toMatchObject([
      { drawn: '1000000', remaining: '0', invoiceId: purchase.id },
    ]);
  });

  it('lets block units pay past a hard quota whose overage credit pays, in the check and with enforce', async () => {
    t.clock.set('2026-05-04T12:00:00Z');
    const plan = (await createPlan(t)).key;
    await publishPlanVersion(t, plan, {
      rates: [{ billableItem: tokens, rate: { model: 'per_unit', unitAmount: '0.00002' } }],
      prepaidBlocks: [{ billableItem: tokens, tiers: [{ units: '1000000', price: '10.00' }] }],
    });
    const quotas = {
      quotas: [{ meter, window: 'day', quantity: '100', kind: 'hard', overage: 'credits' }],
    };
    await t.admin.put(`/v1/plans/${plan}/versions/1/quotas`, quotas).expect(200);
    const subscription = await createSubscription(t, { plan });
    const customer = subscription.customerExternalId;
    const check = async () =>
      (await t.admin.get(`/v1/customers/${customer}/entitlements/${meter}`).expect(200)).body;
    const enforced = (id: string, value: string) =>
      t.admin
        .post('/v1/events', {
          events: [
            { id, customerExternalId: customer, meter, timestamp: '2026-05-04T11:00:00Z', value },
          ],
          enforce: true,
        })
        .expect(200);

    // The day's 100 tokens reach the quota; no credit and no block pays past it.
    await recordUsage(t, [
      { customerExternalId: customer, meter, timestamp: '2026-05-04T10:00:00Z', value: '100' },
    ]);
    expect(await check()).toMatchObject({
      allowed: false,
      quotas: [{ overage: 'credits', used: '100', remaining: '0', allowed: false }],
      credit: null,
    });
    const refused = await enforced('evt_block_overage_1', '1');
    expect(refused.body).toMatchObject({ accepted: 0, rejected: [{ code: 'quota_exceeded' }] });

    const bought = await t.admin
      .post(`/v1/customers/${customer}/prepaid-blocks`, {
        subscriptionId: subscription.id,
        billableItem: tokens,
        units: '1000000',
      })
      .expect(201);
    expect(bought.body).toMatchObject({ remaining: '1000000', status: 'active' });

    // The block's units pay the overage: allowed past the quantity, the units beside the balance.
    expect(await check()).toMatchObject({
      allowed: true,
      quotas: [{ used: '100', remaining: '0', allowed: true, exceeded: true }],
      credit: { currency: 'USD', balance: '0.00', prepaidUnits: '1000000' },
    });
    const accepted = await enforced('evt_block_overage_2', '500');
    expect(accepted.body).toMatchObject({ accepted: 1, rejected: [] });
    expect((await check()).quotas).toMatchObject([{ used: '600', allowed: true }]);
  });

  it('refuses a partial block, an item the plan offers no blocks of, and another customer’s subscription', async () => {
    const plan = (await createPlan(t)).key;
    await publishPlanVersion(t, plan, {
      rates: [{ billableItem: tokens, rate: { model: 'per_unit', unitAmount: '0.00002' } }],
      prepaidBlocks: [{ billableItem: tokens, tiers: [{ units: '1000000', price: '10.00' }] }],
    });
    const subscription = await createSubscription(t, { plan });
    const other = await createSubscription(t, { plan });
    const buy = (body: Record<string, unknown>) =>
      t.admin.post(`/v1/customers/${subscription.customerExternalId}/prepaid-blocks`, {
        subscriptionId: subscription.id,
        billableItem: tokens,
        units: '1000000',
        ...body,
      });
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ units: '1500000' }, 'units'],
      [{ billableItem: 'NO_SUCH_ITEM' }, 'billableItem'],
      [{ subscriptionId: other.id }, 'subscriptionId'],
      [{ subscriptionId: 'not-a-uuid' }, 'subscriptionId'],
    ];
    for (const [body, field] of cases) {
      const refused = await buy(body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details).toEqual([expect.objectContaining({ field })]);
    }
  });
});
