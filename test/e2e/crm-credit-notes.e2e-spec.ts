/**
 * Credit notes reach the CRM beside the invoices they credit: an invoice-like
 * record with its own number, the credited invoice and a negated total,
 * through the outbox, once each, whatever the note's reason.
 */
import { CrmProviderName } from '../../src/crm/crm-provider';
import { CrmSetupService } from '../../src/crm/crm-setup.service';
import { OutboxWorker } from '../../src/outbox/outbox-worker.service';
import { listInvoices, recordUsage, runBilling } from '../support/billing';
import {
  createCustomer,
  createPlanWithVersion,
  createSubscribedCustomer,
  createSubscription,
  uniqueKey,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { CrmHarness, startCrmHarness } from './crm-harness';

const PROVIDERS: CrmProviderName[] = ['hubspot', 'salesforce'];

describe.each(PROVIDERS)('credit notes pushed to %s', (provider) => {
  let crm: CrmHarness;
  let t: TestApp;
  let worker: OutboxWorker;

  beforeAll(async () => {
    crm = await startCrmHarness(provider);
    t = await startTestApp({ env: crm.env, now: '2026-03-20T00:00:00Z' });
    worker = t.app.get(OutboxWorker);
    await t.app.get(CrmSetupService).setup();
  });

  afterAll(async () => {
    await t?.close();
    await crm?.close();
  });

  /** Drains a few times, a retry delay apart, and answers the dead messages. */
  async function deliver() {
    for (let round = 0; round < 4; round++) {
      await worker.drain();
      t.clock.advance(2 * 3_600_000);
    }
    return (await t.admin.get('/v1/crm/outbox?status=dead')).body.data as unknown[];
  }

  it('pushes a correction and a void, each once with the invoice it credits, through a lost answer', async () => {
    // March billed: 49.00 fee + 1000 × 0.01 = 59.00 (no tax).
    const externalId = uniqueKey(`cn_${provider}`);
    const domain = `${externalId.replace(/_/g, '-')}.example`;
    const accountId = crm.addAccount({ externalId, domain });
    const { customer, priced, subscription } = await createSubscribedCustomer(t, {
      customer: { externalId, crm: { domain } },
    });
    await recordUsage(t, [
      {
        customerExternalId: customer.externalId,
        meter: priced.meter.key,
        timestamp: '2026-03-10T10:00:00Z',
        value: '1000',
      },
    ]);
    t.clock.set('2026-04-01T02:00:00Z');
    await runBilling(t, '2026-04-01T02:00:00Z');
    const [invoice] = await listInvoices(t, `subscriptionId=${subscription.id}`);
    expect(invoice.total).toBe('59.00');
    expect(await deliver()).toEqual([]);

    // A correction whose create answer is lost, then the void of the rest.
    crm.loseNextCreate('invoice');
    const correction = await t.admin.post(`/v1/invoices/${invoice.id}/credit-notes`, {
      lines: [{ position: 0, amount: '5.00' }],
    });
    expect(correction.status).toBe(201);
    const voided = await t.admin.post(`/v1/invoices/${invoice.id}/void`, {});
    expect(voided.status).toBe(200);
    expect(await deliver()).toEqual([]);

    const pushed = crm.creditNotes().filter((note) => note.accountId === accountId);
    expect(pushed.sort((a, b) => a.number.localeCompare(b.number))).toEqual([
      {
        number: correction.body.number,
        accountId,
        creditedInvoice: invoice.number,
        total: '-5.00',
      },
      {
        number: voided.body.creditNote.number,
        accountId,
        creditedInvoice: invoice.number,
        total: '-54.00',
      },
    ]);
    // The invoice stays one record of its own.
    expect(crm.invoices().filter((i) => i.accountId === accountId)).toEqual([
      { number: invoice.number, accountId },
    ]);
  });
  it('pushes the credit note of an early end too', async () => {
    // Weekly fees of 7.00 in monthly periods from April 15: the period to May 15 bills
    // the week May 13–20 in advance; ending May 16 credits its unused 4 days (4.00).
    t.clock.set('2026-04-15T00:00:00Z');
    const priced = await createPlanWithVersion(t, {
      version: { serviceInterval: { unit: 'week', count: 1 }, licenceFees: [] },
    });
    const weekly = await t.admin.post(`/v1/plans/${priced.plan.key}/versions`, {
      serviceInterval: { unit: 'week', count: 1 },
      licenceFees: [{ billableItem: priced.licensedItem.key, unitAmount: '7.00' }],
    });
    expect(weekly.status).toBe(201);
    const externalId = uniqueKey(`cn_end_${provider}`);
    const domain = `${externalId.replace(/_/g, '-')}.example`;
    const accountId = crm.addAccount({ externalId, domain });
    await createCustomer(t, { externalId, crm: { domain } });
    const subscription = await createSubscription(t, {
      customerExternalId: externalId,
      plan: priced.plan.key,
      startDate: '2026-04-15T00:00:00Z',
    });
    t.clock.set('2026-05-15T02:00:00Z');
    await runBilling(t);
    const [invoice] = await listInvoices(t, `subscriptionId=${subscription.id}`);
    t.clock.set('2026-05-16T00:30:00Z');
    const ended = await t.admin.post(`/v1/subscriptions/${subscription.id}/end`, {});
    expect(ended.status).toBe(200);
    const [note] = ended.body.creditNotes as Array<{
      number: string;
      reason: string;
      total: string;
    }>;
    expect(note).toMatchObject({ reason: 'early_end', total: '4.00' });
    expect(await deliver()).toEqual([]);
    expect(crm.creditNotes().filter((n) => n.accountId === accountId)).toEqual([
      { number: note.number, accountId, creditedInvoice: invoice.number, total: '-4.00' },
    ]);
  });
});
