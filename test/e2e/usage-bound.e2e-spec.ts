import { listInvoices, runBilling, sendEvents } from '../support/billing';
import { createCustomer, createPlanWithVersion, createSubscription } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The usage bound is per subscription: finalizing one subscription's invoice
 * refuses late events for the intervals it billed, and only when no other
 * subscription of the customer still bills them.
 */
describe('late events with two subscriptions of one customer', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-20T00:00:00Z' });
  });
  afterAll(() => t.close());

  it('closing one subscription leaves the other subscription’s late events accepted', async () => {
    const customer = await createCustomer(t);
    const priced = await createPlanWithVersion(t);
    // A bills on the 1st, B on the 15th: their periods end on different dates.
    const a = await createSubscription(t, {
      customerExternalId: customer.externalId,
      plan: priced.plan.key,
      startDate: '2026-03-01T00:00:00Z',
    });
    const b = await createSubscription(t, {
      customerExternalId: customer.externalId,
      plan: priced.plan.key,
      startDate: '2026-03-15T00:00:00Z',
    });
    const event = (timestamp: string) => ({
      customerExternalId: customer.externalId,
      meter: priced.meter.key,
      timestamp,
      value: '10',
    });

    // April 1st, past the grace hour: A's March is invoiced; B's first period runs to April 15.
    t.clock.set('2026-04-01T02:00:00Z');
    await runBilling(t);
    expect((await listInvoices(t, `subscriptionId=${a.id}`)).map((i) => i.status)).toEqual([
      'finalized',
    ]);
    expect(await listInvoices(t, `subscriptionId=${b.id}`)).toEqual([]);

    const late = await sendEvents(t, [
      event('2026-03-20T10:00:00Z'), // both run: B has not billed it, so it counts for B
      event('2026-03-05T10:00:00Z'), // only A ran then, and A is closed
    ]);
    expect(late.accepted).toBe(1);
    expect(late.rejected).toEqual([
      expect.objectContaining({
        index: 1,
        code: 'period_closed',
        field: 'events[1].timestamp',
        message: 'usage before 2026-04-01T00:00:00.000Z is already invoiced',
      }),
    ]);

    // B's first period (March 15 – April 15) bills the late event: 10 × 0.01.
    t.clock.set('2026-04-15T02:00:00Z');
    await runBilling(t);
    const [bInvoice] = await listInvoices(t, `subscriptionId=${b.id}`);
    expect(bInvoice.lines.filter((line) => line.kind === 'usage').map((l) => l.amount)).toEqual([
      '0.10',
    ]);
    // Now both are closed for March 20th.
    const closed = await sendEvents(t, [event('2026-03-21T10:00:00Z')]);
    expect(closed.rejected.map((r) => r.code)).toEqual(['period_closed']);
  });
});
