import { DataSource } from 'typeorm';
import { InvoiceResponse } from '../../src/invoicing/dto/invoice.response';
import { listInvoices, recordUsage, runBilling, sendEvents, totalsOf } from '../support/billing';
import {
  createPlanWithVersion,
  createSubscribedCustomer,
  createSubscription,
  createCustomer,
  publishPlanVersion,
  planVersionBody,
  SubscribedCustomer,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Every subscription here uses the factories' plan: 0.01 per unit of a sum
 * meter and a licence fee of 49.00 a month, monthly from 2026-03-01, no tax.
 * The grace period is the default hour.
 */
describe('POST /v1/billing-runs', () => {
  /** Three customers with usage in March: 1000, 250 and no units. */
  async function threeCustomers(t: TestApp): Promise<SubscribedCustomer[]> {
    const customers = [
      await createSubscribedCustomer(t),
      await createSubscribedCustomer(t),
      await createSubscribedCustomer(t),
    ];
    const [first, second] = customers;
    await recordUsage(t, [
      {
        customerExternalId: first.customer.externalId,
        meter: first.priced.meter.key,
        timestamp: '2026-03-10T10:00:00Z',
        value: '1000',
      },
      {
        customerExternalId: second.customer.externalId,
        meter: second.priced.meter.key,
        timestamp: '2026-03-11T10:00:00Z',
        value: '250',
      },
    ]);
    return customers;
  }

  const invoiceOf = async (t: TestApp, customer: SubscribedCustomer): Promise<InvoiceResponse[]> =>
    listInvoices(t, `customerExternalId=${customer.customer.externalId}`);

  /** Finalized invoice numbers must be INV-000001 … INV-00000n, each once. */
  const expectGaplessNumbers = async (t: TestApp, count: number) => {
    const numbers = (await listInvoices(t, 'status=finalized'))
      .map((invoice) => invoice.number)
      .sort();
    expect(numbers).toEqual(
      Array.from({ length: count }, (_, i) => `INV-${String(i + 1).padStart(6, '0')}`),
    );
  };

  describe('on a fresh database', () => {
    let t: TestApp;
    let customers: SubscribedCustomer[];

    beforeAll(async () => {
      t = await startTestApp({ now: '2026-03-20T00:00:00Z' });
      customers = await threeCustomers(t);
    });
    afterAll(() => t.close());

    it('waits out the grace period, counts late events, and bills each ended period once', async () => {
      const [first, second, third] = customers;
      // 00:30: March ended half an hour ago, inside the one-hour grace period.
      t.clock.set('2026-04-01T00:30:00Z');
      expect(await runBilling(t)).toMatchObject({
        invoicesCreated: 0,
        invoicesFinalized: 0,
        billedUntil: '2026-03-31T23:30:00.000Z',
      });
      // A late event for March, still within the grace period: it counts.
      await recordUsage(t, [
        {
          customerExternalId: first.customer.externalId,
          meter: first.priced.meter.key,
          timestamp: '2026-03-31T23:45:00Z',
          value: '500',
        },
      ]);

      t.clock.set('2026-04-01T01:00:00Z');
      expect(await runBilling(t)).toMatchObject({
        invoicesCreated: 3,
        invoicesFinalized: 3,
        failures: [],
      });

      const [firstInvoice] = await invoiceOf(t, first);
      expect(firstInvoice).toMatchObject({
        status: 'finalized',
        currency: 'USD',
        periodStart: '2026-03-01T00:00:00.000Z',
        periodEnd: '2026-04-01T00:00:00.000Z',
      });
      // 49.00 licence fee for March (in advance) + (1000 + 500 late) × 0.01 = 15.00
      expect(firstInvoice.lines.map((l) => [l.kind, l.billableItem, l.quantity, l.amount])).toEqual(
        [
          ['licence_fee', first.priced.licensedItem.key, '1', '49.00'],
          ['usage', first.priced.meteredItem.key, '1500', '15.00'],
        ],
      );
      expect(totalsOf(firstInvoice)).toEqual({
        subtotal: '64.00',
        creditsApplied: '0.00',
        tax: '0.00',
        total: '64.00',
      });
      // 49.00 + 250 × 0.01; 49.00 + an empty usage line
      expect((await invoiceOf(t, second))[0].total).toBe('51.50');
      expect(lineAmounts(await invoiceOf(t, third))).toEqual([['49.00', '0.00']]);

      // Again: every period is already invoiced.
      expect(await runBilling(t)).toMatchObject({ invoicesCreated: 0, invoicesFinalized: 0 });
      expect(await listInvoices(t)).toHaveLength(3);
      await expectGaplessNumbers(t, 3);
    });

    it('refuses events for a finalized interval with period_closed, and takes those of the open one', async () => {
      const [first] = customers;
      const event = (timestamp: string) => ({
        customerExternalId: first.customer.externalId,
        meter: first.priced.meter.key,
        timestamp,
        value: '1',
      });
      const result = await sendEvents(t, [
        event('2026-03-31T23:59:00Z'),
        event('2026-04-01T00:10:00Z'),
      ]);
      expect(result.accepted).toBe(1);
      expect(result.rejected).toEqual([
        expect.objectContaining({ index: 0, code: 'period_closed' }),
      ]);
    });

    it('refuses an asOf after the current time: those periods have not ended', async () => {
      const response = await t.admin.post('/v1/billing-runs', { asOf: '2026-05-01T00:00:00Z' });
      expect(response.status).toBe(400);
      expect(response.body.error.details).toEqual([expect.objectContaining({ field: 'asOf' })]);
    });

    it('bills a later period with a later asOf, in order, and nothing twice', async () => {
      t.clock.set('2026-06-01T01:00:00Z');
      // asOf April 1st plus the grace period: nothing new.
      expect(await runBilling(t, '2026-04-01T01:00:00Z')).toMatchObject({ invoicesCreated: 0 });
      expect(await runBilling(t, '2026-05-01T01:00:00Z')).toMatchObject({ invoicesCreated: 3 });
      // Now: May for each.
      expect(await runBilling(t)).toMatchObject({ invoicesCreated: 3 });
      const periods = (await invoiceOf(t, customers[0])).map((invoice) => invoice.periodStart);
      expect(periods).toEqual([
        '2026-05-01T00:00:00.000Z',
        '2026-04-01T00:00:00.000Z',
        '2026-03-01T00:00:00.000Z',
      ]);
      await expectGaplessNumbers(t, 9);
    });
  });

  it('a run interrupted half-way and run again gives the same invoices, without duplicates or number gaps', async () => {
    const t = await startTestApp({ now: '2026-03-20T00:00:00Z' });
    try {
      const customers = await threeCustomers(t);
      const db = t.app.get(DataSource);
      // The second subscription's invoice fails mid-run, as a crash or a lost connection would.
      await db.query(`
        CREATE FUNCTION fail_one_invoice() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.subscription_id = '${customers[1].subscription.id}' THEN RAISE EXCEPTION 'injected failure'; END IF;
          RETURN NEW;
        END $$`);
      await db.query(
        'CREATE TRIGGER fail_one_invoice BEFORE INSERT ON invoices FOR EACH ROW EXECUTE FUNCTION fail_one_invoice()',
      );
      t.clock.set('2026-04-01T01:00:00Z');
      const interrupted = await runBilling(t);
      expect(interrupted).toMatchObject({ invoicesCreated: 2, invoicesFinalized: 2 });
      expect(interrupted.failures).toEqual([
        {
          subscriptionId: customers[1].subscription.id,
          periodStart: '2026-03-01T00:00:00.000Z',
          message: expect.stringContaining('injected failure'),
        },
      ]);
      expect(await invoiceOf(t, customers[1])).toEqual([]);
      // The failed invoice took no number.
      await expectGaplessNumbers(t, 2);

      await db.query('DROP TRIGGER fail_one_invoice ON invoices');
      expect(await runBilling(t)).toMatchObject({
        invoicesCreated: 1,
        invoicesFinalized: 1,
        failures: [],
      });
      expect(await runBilling(t)).toMatchObject({ invoicesCreated: 0 });
      // The same invoices as an uninterrupted run: 49.00 + 10.00, 49.00 + 2.50, 49.00.
      const totals = await Promise.all(
        customers.map(async (c) => (await invoiceOf(t, c)).map((i) => i.total)),
      );
      expect(totals).toEqual([['59.00'], ['51.50'], ['49.00']]);
      await expectGaplessNumbers(t, 3);
    } finally {
      await t.close();
    }
  });

  it('replicas running at once share the work: every period once, numbers without gaps', async () => {
    const t = await startTestApp({ now: '2026-03-20T00:00:00Z' });
    try {
      const customers = await threeCustomers(t);
      t.clock.set('2026-05-01T01:00:00Z');
      const runs = await Promise.all([runBilling(t), runBilling(t), runBilling(t)]);
      // March and April for each of the three subscriptions.
      expect(runs.reduce((sum, run) => sum + run.invoicesCreated, 0)).toBe(6);
      expect(runs.flatMap((run) => run.failures)).toEqual([]);
      for (const customer of customers) {
        expect((await invoiceOf(t, customer)).map((i) => i.periodStart)).toEqual([
          '2026-04-01T00:00:00.000Z',
          '2026-03-01T00:00:00.000Z',
        ]);
      }
      await expectGaplessNumbers(t, 6);
    } finally {
      await t.close();
    }
  });

  it('bills two subscriptions of one customer in one chunk, spending their shared credit once', async () => {
    const t = await startTestApp({ now: '2026-02-20T00:00:00Z' });
    try {
      const { customer, priced } = await createSubscribedCustomer(t);
      await createSubscription(t, {
        customerExternalId: customer.externalId,
        plan: priced.plan.key,
      });
      const topUp = await t.admin.post(`/v1/customers/${customer.externalId}/credits`, {
        amount: '60.00',
        currency: 'USD',
      });
      expect(topUp.body).toMatchObject({ amount: '60.00' });
      t.clock.set('2026-04-01T01:00:00Z');
      expect(await runBilling(t)).toMatchObject({ invoicesCreated: 2, failures: [] });
      // 49.00 each; the second invoice of the chunk gets what the first left of the 60.00.
      const invoices = await listInvoices(t, `customerExternalId=${customer.externalId}`);
      expect(invoices.map((invoice) => invoice.total).sort()).toEqual(['0.00', '38.00']);
      const [{ consumed }]: Array<{ consumed: string }> = await t.app
        .get(DataSource)
        .query("SELECT consumed::text FROM credit_lots WHERE kind = 'top_up'");
      expect(consumed).toBe('60');
      await expectGaplessNumbers(t, 2);
    } finally {
      await t.close();
    }
  });

  it('finalizes a draft left over by another process, numbering it then', async () => {
    const t = await startTestApp({ now: '2026-04-01T01:00:00Z' });
    try {
      const { subscription } = await createSubscribedCustomer(t);
      const db = t.app.get(DataSource);
      const [draft]: Array<{ id: string }> = await db.query(
        `INSERT INTO invoices (customer_id, subscription_id, plan_version_id, period_start, period_end, status,
                               currency, tax_rate, subtotal, credits_applied, tax, total, usage_billed_until)
         SELECT customer_id, id, plan_version_id, '2026-03-01Z', '2026-04-01Z', 'draft', 'USD', 0, 0, 0, 0, 0, '2026-04-01Z'
         FROM subscriptions WHERE id = $1 RETURNING id`,
        [subscription.id],
      );
      expect((await t.admin.get(`/v1/invoices/${draft.id}`)).body).toMatchObject({
        status: 'draft',
        number: null,
      });

      // The period has its (draft) invoice, so the run creates none but finalizes the draft.
      expect(await runBilling(t)).toMatchObject({ invoicesCreated: 0, invoicesFinalized: 1 });
      expect((await t.admin.get(`/v1/invoices/${draft.id}`)).body).toMatchObject({
        status: 'finalized',
        number: 'INV-000001',
      });
    } finally {
      await t.close();
    }
  });

  it('runs on embedded PGlite, whose single connection the run must never wait on', async () => {
    const t = await startTestApp({ now: '2026-03-20T00:00:00Z', embedded: true });
    try {
      const [first] = await threeCustomers(t);
      t.clock.set('2026-04-01T01:00:00Z');
      expect(await runBilling(t)).toMatchObject({ invoicesCreated: 3, failures: [] });
      expect((await invoiceOf(t, first))[0].total).toBe('59.00');
      const upcoming = await t.admin.get(
        `/v1/subscriptions/${first.subscription.id}/upcoming-invoice`,
      );
      expect(upcoming.body).toMatchObject({
        status: 'upcoming',
        periodStart: '2026-04-01T00:00:00.000Z',
      });
    } finally {
      await t.close();
    }
  }, 60_000);

  it('prices each period with the plan version in effect at its start', async () => {
    const t = await startTestApp({ now: '2026-03-20T00:00:00Z' });
    try {
      const priced = await createPlanWithVersion(t);
      const customer = await createCustomer(t);
      const subscription = await createSubscription(t, {
        customerExternalId: customer.externalId,
        plan: priced.plan.key,
      });
      // Version 2 doubles the unit price and drops the licence fee.
      await publishPlanVersion(
        t,
        priced.plan.key,
        planVersionBody(
          { meteredItem: priced.meteredItem.key },
          {
            rates: [
              {
                billableItem: priced.meteredItem.key,
                rate: { model: 'per_unit', unitAmount: '0.02' },
              },
            ],
          },
        ),
      );
      const change = await t.admin.post(`/v1/subscriptions/${subscription.id}/plan-changes`, {
        version: 2,
      });
      expect(change.status).toBe(201);
      expect(change.body.effectiveAt).toBe('2026-04-01T00:00:00.000Z');

      const usage = (timestamp: string) => ({
        customerExternalId: customer.externalId,
        meter: priced.meter.key,
        timestamp,
        value: '100',
      });
      t.clock.set('2026-03-26T00:00:00Z');
      await recordUsage(t, [usage('2026-03-25T10:00:00Z')]);
      t.clock.set('2026-04-10T00:00:00Z');
      await recordUsage(t, [usage('2026-04-05T10:00:00Z')]);
      t.clock.set('2026-05-01T01:00:00Z');
      expect(await runBilling(t)).toMatchObject({ invoicesCreated: 2 });

      const [april, march] = await listInvoices(t, `subscriptionId=${subscription.id}`);
      // March on version 1: 49.00 + 100 × 0.01; April on version 2: 100 × 0.02, no licence fee.
      expect([march.version, march.total, april.version, april.total]).toEqual([
        1,
        '50.00',
        2,
        '2.00',
      ]);
    } finally {
      await t.close();
    }
  });
});

function lineAmounts(invoices: InvoiceResponse[]): string[][] {
  return invoices.map((invoice) => invoice.lines.map((line) => line.amount));
}
