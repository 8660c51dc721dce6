import { DataSource } from 'typeorm';
import { claimGlobalKeys, releaseGlobalKeys } from '../../src/database/global-key-lookup';
import { listInvoices, runBilling } from '../support/billing';
import {
  createCustomer,
  createSubscribedCustomer,
  subscriptionBody,
  uniqueKey,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Keys unique across customers live in global_keys (src/database/
 * global-key-lookup.ts), so the tables distributed by customer can key them
 * with the customer: every write of one claims it in its own transaction.
 */
describe('global keys', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-20T00:00:00Z' });
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());

  const holders = async (kind: string, keys: string[]): Promise<string[]> =>
    (
      await db.query<Array<{ customer_id: string }>>(
        'SELECT customer_id FROM global_keys WHERE kind = $1 AND key = ANY ($2::text[]) ORDER BY key',
        [kind, keys],
      )
    ).map((row) => row.customer_id);

  const customerId = async (externalId: string): Promise<string> =>
    (
      await db.query<Array<{ id: string }>>('SELECT id FROM customers WHERE external_id = $1', [
        externalId,
      ])
    )[0].id;

  it('claims a customer’s external id and unsubscribe token, and refuses a taken external id', async () => {
    const customer = await createCustomer(t);
    const id = await customerId(customer.externalId);
    const [{ token }] = await db.query<Array<{ token: string }>>(
      'SELECT unsubscribe_token::text AS token FROM customers WHERE id = $1',
      [id],
    );
    expect(await holders('customer_external_id', [customer.externalId])).toEqual([id]);
    expect(await holders('customer_unsubscribe_token', [token])).toEqual([id]);

    const again = await t.admin.post('/v1/customers', {
      externalId: customer.externalId,
      name: 'Someone else',
    });
    expect(again.status).toBe(409);
    const [{ n }] = await db.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM customers WHERE external_id = $1',
      [customer.externalId],
    );
    expect(n).toBe(1);
  });

  it('answers a subscription’s idempotency key retried under another customer with the first subscription', async () => {
    const { priced, subscription } = await createSubscribedCustomer(t);
    const key = uniqueKey('signup');
    const first = await createCustomer(t);
    const created = await t.admin
      .post('/v1/subscriptions', subscriptionBody(first.externalId, priced.plan.key))
      .set('Idempotency-Key', key);
    expect(created.status).toBe(201);
    expect(await holders('subscription_idempotency_key', [key])).toEqual([
      await customerId(first.externalId),
    ]);
    // Its id too, so the routes naming it alone find its customer on one node.
    expect(await holders('subscription_id', [created.body.id])).toEqual([
      await customerId(first.externalId),
    ]);

    const other = await createCustomer(t);
    const retried = await t.admin
      .post('/v1/subscriptions', subscriptionBody(other.externalId, priced.plan.key))
      .set('Idempotency-Key', key);
    // The contract: a key names one subscription whoever sends it again.
    expect(retried.body.id).toBe(created.body.id);
    expect(retried.body.id).not.toBe(subscription.id);
    const listed = await t.admin.get(`/v1/customers/${other.externalId}/subscriptions`);
    expect(listed.body.data).toEqual([]);
  });

  it('moves a usage page token’s claim to the new digest when the link rotates', async () => {
    const customer = await createCustomer(t);
    const id = await customerId(customer.externalId);
    const digests = async (): Promise<string[]> =>
      (
        await db.query<Array<{ key: string }>>(
          "SELECT key FROM global_keys WHERE kind = 'usage_page_token_digest' AND customer_id = $1",
          [id],
        )
      ).map((row) => row.key);
    const stored = async (): Promise<string> =>
      (
        await db.query<Array<{ digest: string }>>(
          "SELECT encode(token_digest, 'hex') AS digest FROM usage_page_links WHERE customer_id = $1",
          [id],
        )
      )[0].digest;

    expect(
      (await t.admin.post(`/v1/customers/${customer.externalId}/usage-page/rotate`)).status,
    ).toBe(200);
    const before = await stored();
    expect(await digests()).toEqual([before]);
    await t.admin.post(`/v1/customers/${customer.externalId}/usage-page/rotate`);
    const after = await stored();
    expect(after).not.toBe(before);
    expect(await digests()).toEqual([after]);
  });

  it('claims an invoice’s number when it is finalized, and a credit note’s number when issued', async () => {
    const subscribed = await createSubscribedCustomer(t);
    // No usage: the plan's licence fee is enough to get a numbered invoice.
    t.clock.set('2026-04-01T02:00:00Z');
    await runBilling(t, '2026-04-01T02:00:00Z');
    const [invoice] = await listInvoices(t, `subscriptionId=${subscribed.subscription.id}`);
    const id = await customerId(subscribed.customer.externalId);
    expect(await holders('invoice_number', [String(invoice.number)])).toEqual([id]);

    const voided = await t.admin.post(`/v1/invoices/${invoice.id}/void`, { refundToCredit: true });
    expect(voided.status).toBe(200);
    expect(await holders('credit_note_number', [voided.body.creditNote.number])).toEqual([id]);
    expect(await holders('credit_note_idempotency_key', [`void:${invoice.id}`])).toEqual([id]);
  });

  it('refuses to finalize an invoice under a number another customer holds, and leaves no gap', async () => {
    const subscribed = await createSubscribedCustomer(t);
    const other = await createCustomer(t);
    const [{ next }] = await db.query<Array<{ next: string }>>(
      "SELECT 'INV-' || lpad((last_number + 1)::text, 6, '0') AS next FROM invoice_numbering",
    );
    await db.query(
      "INSERT INTO global_keys (key, kind, customer_id) VALUES ($1, 'invoice_number', $2)",
      [next, await customerId(other.externalId)],
    );
    // Every earlier subscription is billed to April: this one's March is the run's only invoice.
    const refused = await runBilling(t, '2026-04-01T02:00:00Z');
    expect(refused.invoicesCreated).toBe(0);
    expect(refused.failures).toEqual([
      expect.objectContaining({
        subscriptionId: subscribed.subscription.id,
        message: expect.stringContaining('global_keys_pkey'),
      }),
    ]);
    expect(await listInvoices(t, `subscriptionId=${subscribed.subscription.id}`)).toEqual([]);

    // The failed round gave the number back: once free, the invoice takes it.
    await db.query("DELETE FROM global_keys WHERE key = $1 AND kind = 'invoice_number'", [next]);
    expect((await runBilling(t, '2026-04-01T02:00:00Z')).invoicesCreated).toBe(1);
    const [invoice] = await listInvoices(t, `subscriptionId=${subscribed.subscription.id}`);
    expect(invoice.number).toBe(next);
    expect(await holders('invoice_number', [next])).toEqual([
      await customerId(subscribed.customer.externalId),
    ]);
  });

  it('answers a credit note’s retry with the first note, claiming nothing more', async () => {
    const subscribed = await createSubscribedCustomer(t);
    await runBilling(t, '2026-04-01T02:00:00Z');
    const [invoice] = await listInvoices(t, `subscriptionId=${subscribed.subscription.id}`);
    const id = await customerId(subscribed.customer.externalId);
    const claims = async () =>
      db.query<Array<{ kind: string; key: string }>>(
        'SELECT kind, key FROM global_keys WHERE customer_id = $1 ORDER BY kind, key',
        [id],
      );
    const key = uniqueKey('fix');
    // Line 0 is the 49.00 licence fee.
    const correct = () =>
      t.admin
        .post(`/v1/invoices/${invoice.id}/credit-notes`, {
          lines: [{ position: 0, amount: '1.00' }],
        })
        .set('Idempotency-Key', key);
    const first = await correct();
    expect(first.status).toBe(201);
    const claimed = await claims();
    expect(claimed).toEqual(
      expect.arrayContaining([
        { kind: 'credit_note_idempotency_key', key: `request:${key}` },
        { kind: 'credit_note_number', key: first.body.number },
      ]),
    );

    const retried = await correct();
    expect(retried.status).toBe(201);
    expect(retried.body.id).toBe(first.body.id);
    expect(await claims()).toEqual(claimed);
  });

  it('lets a second claim of a held key find it taken, and a release give it back', async () => {
    const [a, b] = [await createCustomer(t), await createCustomer(t)];
    const [idA, idB] = [await customerId(a.externalId), await customerId(b.externalId)];
    const key = { kind: 'subscription_idempotency_key', key: uniqueKey('k') } as const;
    expect(await claimGlobalKeys(db, idA, [key])).toEqual([]);
    expect(await claimGlobalKeys(db, idB, [key])).toEqual([key]);
    // Only its holder gives a key back.
    await releaseGlobalKeys(db, idB, [key]);
    expect(await holders(key.kind, [key.key])).toEqual([idA]);
    await releaseGlobalKeys(db, idA, [key]);
    expect(await claimGlobalKeys(db, idB, [key])).toEqual([]);
    expect(await holders(key.kind, [key.key])).toEqual([idB]);
  });
});
