import { DataSource } from 'typeorm';
import { CreditNoteResponse } from '../../src/invoicing/dto/credit-note.response';
import { listInvoices, recordUsage, runBilling } from '../support/billing';
import {
  createPlanWithVersion,
  createSubscribedCustomer,
  createSubscription,
  createCustomer,
  SubscribedCustomer,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Credit notes after a void, an early end and an overcharge. The factories' plan:
 * 0.01 a unit, a 49.00 licence fee a month; customers here pay 20 % tax.
 */
describe('credit notes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-20T00:00:00Z' });
  });
  afterAll(() => t.close());

  const creditNotes = async (query: string): Promise<CreditNoteResponse[]> =>
    (await t.admin.get(`/v1/credit-notes?${query}`)).body.data;

  /** A customer billed for March: 49.00 fee + 1000 × 0.01 = 10.00, 20 % tax → 70.80. */
  async function billedMarch(): Promise<SubscribedCustomer & { invoiceId: string }> {
    const subscribed = await createSubscribedCustomer(t, { customer: { taxRate: '20' } });
    await recordUsage(t, [
      {
        customerExternalId: subscribed.customer.externalId,
        meter: subscribed.priced.meter.key,
        timestamp: '2026-03-10T10:00:00Z',
        value: '1000',
      },
    ]);
    t.clock.set('2026-04-01T02:00:00Z');
    await runBilling(t, '2026-04-01T02:00:00Z');
    const [invoice] = await listInvoices(t, `subscriptionId=${subscribed.subscription.id}`);
    expect(invoice.total).toBe('70.80');
    return { ...subscribed, invoiceId: String(invoice.id) };
  }

  it('voiding a finalized invoice issues a credit note for all of it, refunded to the credit balance', async () => {
    const { customer, invoiceId } = await billedMarch();
    const voided = await t.admin.post(`/v1/invoices/${invoiceId}/void`, { refundToCredit: true });
    expect(voided.status).toBe(200);
    expect(voided.body.status).toBe('void');
    expect(voided.body.creditNote).toMatchObject({
      number: expect.stringMatching(/^CN-\d{6}$/),
      reason: 'void',
      invoiceId,
      currency: 'USD',
      lines: [
        { invoiceLinePosition: 0, description: expect.any(String), amount: '49.00' },
        { invoiceLinePosition: 1, amount: '10.00' },
      ],
      subtotal: '59.00',
      tax: '11.80',
      total: '70.80',
      refundedToCredit: true,
    });
    const balance = await t.admin.get(`/v1/customers/${customer.externalId}/credit-balance`);
    expect(balance.body.available).toBe('70.80');
    // Listed in the API, by customer and by invoice.
    expect(
      (await creditNotes(`customerExternalId=${customer.externalId}`)).map((n) => n.id),
    ).toEqual([voided.body.creditNote.id]);
    expect(await creditNotes(`invoiceId=${invoiceId}`)).toHaveLength(1);
    // Nothing is left to credit on a void invoice.
    const again = await t.admin.post(`/v1/invoices/${invoiceId}/credit-notes`, {
      lines: [{ position: 1, amount: '1.00' }],
    });
    expect(again.status).toBe(409);
  });

  it('corrects an overcharge line by line, never beyond what the line billed, and a retry issues nothing', async () => {
    const { invoiceId } = await billedMarch();
    const tooMuch = await t.admin.post(`/v1/invoices/${invoiceId}/credit-notes`, {
      lines: [{ position: 1, amount: '10.01' }],
    });
    expect(tooMuch.status).toBe(400);
    expect(tooMuch.body.error.details).toEqual([
      {
        field: 'lines[0].amount',
        problem: 'exceeds what is left to credit on line 1: 10 of 10 billed',
      },
    ]);

    const correct = () =>
      t.admin
        .post(`/v1/invoices/${invoiceId}/credit-notes`, {
          lines: [{ position: 1, amount: '6.00' }],
          memo: 'usage counted twice',
        })
        .set('Idempotency-Key', `fix-${invoiceId}`);
    const first = await correct();
    expect(first.status).toBe(201);
    // 6.00 + 20 % tax = 7.20
    expect(first.body).toMatchObject({
      reason: 'overcharge',
      subtotal: '6.00',
      tax: '1.20',
      total: '7.20',
    });
    expect((await correct()).body.number).toBe(first.body.number);
    expect(await creditNotes(`invoiceId=${invoiceId}`)).toHaveLength(1);

    // 4.00 is left of the 10.00 usage line, across all its notes.
    const rest = await t.admin.post(`/v1/invoices/${invoiceId}/credit-notes`, {
      lines: [{ position: 1, amount: '4.01' }],
    });
    expect(rest.body.error.details[0].problem).toBe(
      'exceeds what is left to credit on line 1: 4 of 10 billed',
    );

    // The revenue ledger takes the 6.00 back in March.
    const db = t.app.get(DataSource);
    const [ledger] = await db.query(
      `SELECT to_char(month, 'YYYY-MM') AS month, original_amount::numeric(12, 2)::text AS amount
       FROM revenue_months WHERE credit_note_id = $1`,
      [first.body.id],
    );
    expect(ledger).toEqual({ month: '2026-03', amount: '-6.00' });
  });

  it('refuses an idempotency key reused for another invoice, and issues nothing', async () => {
    const first = await billedMarch();
    const second = await billedMarch();
    const issue = (invoiceId: string) =>
      t.admin
        .post(`/v1/invoices/${invoiceId}/credit-notes`, {
          lines: [{ position: 1, amount: '1.00' }],
        })
        .set('Idempotency-Key', `reused-${first.invoiceId}`);
    expect((await issue(first.invoiceId)).status).toBe(201);

    const reused = await issue(second.invoiceId);
    expect(reused.status).toBe(409);
    expect(reused.body.error.details).toEqual([
      { field: 'Idempotency-Key', problem: 'is already used for a credit note on another invoice' },
    ]);
    expect(await creditNotes(`invoiceId=${second.invoiceId}`)).toHaveLength(0);
    expect(await creditNotes(`invoiceId=${first.invoiceId}`)).toHaveLength(1);
  });

  it('ending early after a fee was billed in advance credits its unused share', async () => {
    // Weekly service intervals in monthly periods from March 15: the period to April 15
    // bills the fee of the week April 12–19 in advance.
    t.clock.set('2026-03-15T00:00:00Z');
    const priced = await createPlanWithVersion(t, {
      version: { serviceInterval: { unit: 'week', count: 1 }, licenceFees: [] },
    });
    const { key: plan } = priced.plan;
    const weekly = await t.admin.post(`/v1/plans/${plan}/versions`, {
      serviceInterval: { unit: 'week', count: 1 },
      licenceFees: [{ billableItem: priced.licensedItem.key, unitAmount: '7.00' }],
    });
    expect(weekly.status).toBe(201);
    const customer = await createCustomer(t);
    const subscription = await createSubscription(t, {
      customerExternalId: customer.externalId,
      plan,
      startDate: '2026-03-15T00:00:00Z',
    });
    t.clock.set('2026-04-15T02:00:00Z');
    await runBilling(t);
    const [invoice] = await listInvoices(t, `subscriptionId=${subscription.id}`);
    // Five weeks start in the period (Mar 15, 22, 29, Apr 5, 12): 5 × 7.00
    expect(invoice.total).toBe('35.00');

    t.clock.set('2026-04-16T00:30:00Z');
    const ended = await t.admin.post(`/v1/subscriptions/${subscription.id}/end`, {});
    expect(ended.status).toBe(200);
    // Ended April 16 (floored to 00:00): 3 of the week's 7 days unused → 7.00 × 3/7 = 3.00
    expect(ended.body).toMatchObject({
      endDate: '2026-04-16T00:30:00.000Z',
      creditNotes: [
        {
          reason: 'early_end',
          invoiceId: invoice.id,
          lines: [
            {
              servicePeriodStart: '2026-04-16T00:00:00.000Z',
              servicePeriodEnd: '2026-04-19T00:00:00.000Z',
              amount: '3.00',
            },
          ],
          total: '3.00',
          refundedToCredit: false,
        },
      ],
    });
    const later = await t.admin.post(`/v1/subscriptions/${subscription.id}/end`, {
      endDate: '2026-05-01T00:00:00Z',
    });
    expect(later.status).toBe(400);
    expect(later.body.error.details[0].field).toBe('endDate');

    // The last, cut period bills no fee again.
    t.clock.set('2026-04-16T02:00:00Z');
    await runBilling(t);
    const [last] = await listInvoices(t, `subscriptionId=${subscription.id}`);
    expect(last.periodEnd).toBe('2026-04-16T00:00:00.000Z');
    expect(last.lines.filter((line) => line.kind === 'licence_fee')).toEqual([]);
  });

  it('numbers credit notes without gaps while billing runs and voids race', async () => {
    t.clock.set('2026-03-20T00:00:00Z');
    const customers = await Promise.all(
      Array.from({ length: 6 }, () => createSubscribedCustomer(t)),
    );
    t.clock.set('2026-04-01T02:00:00Z');
    await runBilling(t, '2026-04-01T02:00:00Z');
    const invoices = (
      await Promise.all(
        customers.map(({ subscription }) => listInvoices(t, `subscriptionId=${subscription.id}`)),
      )
    ).map(([invoice]) => invoice);
    // Voids and two billing runs at once (May's periods are due now as well).
    t.clock.set('2026-05-01T02:00:00Z');
    const answers = await Promise.all([
      ...invoices.map((invoice) => t.admin.post(`/v1/invoices/${invoice.id}/void`, {})),
      t.admin.post('/v1/billing-runs', {}),
      t.admin.post('/v1/billing-runs', {}),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    const numbers = (await creditNotes('limit=200')).map((note) => note.number).sort();
    expect(numbers).toEqual(
      Array.from({ length: numbers.length }, (_, i) => `CN-${String(i + 1).padStart(6, '0')}`),
    );
    expect(numbers.length).toBeGreaterThanOrEqual(invoices.length);
    const invoiceNumbers = (await listInvoices(t))
      .map((invoice) => invoice.number)
      .filter((number): number is string => number !== null)
      .sort();
    expect(invoiceNumbers).toEqual(
      Array.from(
        { length: invoiceNumbers.length },
        (_, i) => `INV-${String(i + 1).padStart(6, '0')}`,
      ),
    );
  });
});
