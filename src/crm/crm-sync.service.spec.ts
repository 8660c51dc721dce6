import { AppConfig } from '../config/app-config';
import { Decimal } from '../common/decimal';
import {
  BatchOutcome,
  DeferredDeliveryError,
  PermanentDeliveryError,
} from '../outbox/outbox-handler';
import { OutboxMessage } from '../outbox/outbox-message';
import { CrmAccountFigures } from './crm-account-figures.service';
import {
  CrmAccount,
  CrmProvider,
  CrmRateLimitedError,
  CustomerIdentity,
  RecordFailure,
} from './crm-provider';
import { alertMessages, CrmMessage, FiredAlert, invoiceMessage } from './crm-signals';
import { CrmInvoiceRow } from './crm-invoice-reads.port';
import { CrmCustomer, CrmSyncSources } from './crm-sync-sources.service';
import { CrmSyncService } from './crm-sync.service';
import { firedAlert } from './testing/fired-alert';

/**
 * The CRM sync's decisions against an in-memory customer store and a
 * recording provider: which accounts it looks up, how it merges a batch into
 * as few records as it can, in which order it pushes them, and which message a
 * failure lands on. The SQL is tested end to end (test/e2e/crm-sync.e2e-spec.ts),
 * the adapters against the vendor emulators.
 */
const firedAt = new Date('2026-03-15T12:00:00Z');

function alert(id: string, customerId: string, overrides: Partial<FiredAlert> = {}): FiredAlert {
  return firedAlert({ id, customerId, firedAt, ...overrides });
}

let nextId = 0;
function claimed(...messages: CrmMessage[]): OutboxMessage[] {
  return messages.map((message) => ({
    id: `m${++nextId}`,
    channel: 'crm',
    dedupeKey: message.dedupeKey,
    payload: message.payload,
    status: 'pending',
    attempts: 1,
    nextAttemptAt: firedAt,
    lastError: null,
    createdAt: firedAt,
    sentAt: null,
  }));
}

function customer(id: string, hubspotCompanyId: string | null = null): CrmCustomer {
  return {
    id,
    externalId: `ext-${id}`,
    name: `Customer ${id}`,
    domain: `${id}.example`,
    hubspotCompanyId,
    salesforceAccountId: null,
  };
}

/** A provider that records each call and answers with what the test scripted. */
class RecordingProvider {
  readonly name = 'hubspot' as const;
  readonly calls: Array<{ call: string; records: unknown[] }> = [];
  /** Accounts found by customer id; a customer left out matches none. */
  readonly accounts = new Map<string, CrmAccount>();
  /** Per call: record failures to answer, or an error to throw. */
  readonly answers = new Map<string, RecordFailure[] | Error>();

  async resolveAccounts(customers: readonly CustomerIdentity[]) {
    this.record('resolveAccounts', customers);
    return new Map(customers.map((c) => [c.customerId, this.accounts.get(c.customerId) ?? null]));
  }
  updateAccountProperties = (records: readonly unknown[]) =>
    this.record('updateAccountProperties', records);
  upsertOpportunities = (records: readonly unknown[]) =>
    this.record('upsertOpportunities', records);
  upsertTasks = (records: readonly unknown[]) => this.record('upsertTasks', records);
  upsertInvoices = (records: readonly unknown[]) => this.record('upsertInvoices', records);

  private async record(call: string, records: readonly unknown[]): Promise<RecordFailure[]> {
    this.calls.push({ call, records: [...records] });
    const answer = this.answers.get(call) ?? [];
    if (answer instanceof Error) throw answer;
    return answer;
  }

  /** The records of every call of that name. */
  records<R>(call: string): R[] {
    return this.calls.filter((c) => c.call === call).flatMap((c) => c.records as R[]);
  }
}

function syncWith(customers: CrmCustomer[], invoices: CrmInvoiceRow[] = []) {
  const provider = new RecordingProvider();
  const stored = new Map(customers.map((c) => [c.id, c]));
  const storedAccountIds: Array<[string, string]> = [];
  const repository = {
    customers: async (ids: readonly string[]) =>
      new Map(ids.flatMap((id) => (stored.has(id) ? [[id, stored.get(id)!]] : []))),
    storeAccountIds: async (_provider: string, ids: ReadonlyMap<string, string>) =>
      void storedAccountIds.push(...ids),
    invoices: async (ids: readonly string[]) =>
      new Map(invoices.filter((i) => ids.includes(i.id)).map((i) => [i.id, i])),
    // The latest finalized total per customer, from the invoices listed (the last one of each wins).
    latestInvoiceTotals: async (customerIds: readonly string[]) =>
      new Map(
        customerIds.flatMap((id) =>
          invoices.length > 0 ? [[id, invoices[invoices.length - 1].total]] : [],
        ),
      ),
  };
  const figures = {
    of: async (refs: ReadonlyArray<{ id: string }>) =>
      new Map(refs.map((ref) => [ref.id, { mrr: '120', creditBalance: '30' }])),
  };
  const service = new CrmSyncService(
    provider as unknown as CrmProvider,
    repository as unknown as CrmSyncSources,
    AppConfig.fromEnvironment({ PUBLIC_URL: 'https://billing.example' }),
    figures as unknown as CrmAccountFigures,
  );
  return { provider, service, storedAccountIds };
}

const statuses = (outcomes: Map<string, BatchOutcome>) =>
  [...outcomes.values()].map((outcome) => outcome.status);

const errorOf = (outcomes: Map<string, BatchOutcome>, id: string) => {
  const outcome = outcomes.get(id);
  return outcome?.status === 'failed' ? outcome.error : undefined;
};

const invoiceRow: CrmInvoiceRow = {
  id: 'inv-1',
  number: 'INV-000001',
  status: 'finalized',
  currency: 'USD',
  total: '99.00',
  periodStart: new Date('2026-02-01T00:00:00Z'),
  periodEnd: new Date('2026-03-01T00:00:00Z'),
};

describe('CrmSyncService', () => {
  it('merges an alert and an invoice of one account into one update, trusting the stored account id', async () => {
    const { provider, service } = syncWith([customer('c1', 'company-1')], [invoiceRow]);
    const messages = claimed(
      alertMessages(alert('a1', 'c1', { channels: [] }))[0],
      invoiceMessage({ id: 'inv-1', customerId: 'c1' }),
    );
    expect(statuses(await service.sync(messages))).toEqual(['sent', 'sent']);
    expect(provider.calls.map((c) => c.call)).toEqual([
      'updateAccountProperties',
      'upsertInvoices',
    ]);
    expect(provider.records('updateAccountProperties')).toEqual([
      {
        accountId: 'company-1',
        properties: expect.objectContaining({
          currentUsage: '850',
          lastInvoiceTotal: '99.00',
          mrr: '120',
          creditBalance: '30',
        }),
      },
    ]);
    expect(provider.records('upsertInvoices')).toEqual([
      expect.objectContaining({
        number: 'INV-000001',
        accountId: 'company-1',
        url: 'https://billing.example/v1/invoices/inv-1',
      }),
    ]);
  });

  it('looks up the owner for tasks and deals in one call, stores a new account id, and pushes properties first', async () => {
    const { provider, service, storedAccountIds } = syncWith([
      customer('c1', 'company-1'),
      customer('c2'),
    ]);
    provider.accounts.set('c1', { id: 'company-1', ownerId: 'owner-1', created: false });
    provider.accounts.set('c2', { id: 'company-2', ownerId: 'owner-2', created: true });
    const messages = claimed(
      ...alertMessages(alert('a1', 'c1')),
      ...alertMessages(alert('a2', 'c2')),
    );
    expect(statuses(await service.sync(messages))).toEqual(Array(6).fill('sent'));
    expect(provider.calls.map((c) => c.call)).toEqual([
      'resolveAccounts',
      'updateAccountProperties',
      'upsertOpportunities',
      'upsertTasks',
    ]);
    expect(provider.records('resolveAccounts')).toHaveLength(2);
    // c1's id was already stored: only the new one is written.
    expect(storedAccountIds).toEqual([['c2', 'company-2']]);
    expect(provider.records('upsertTasks')).toEqual([
      expect.objectContaining({
        externalKey: 'alert:a1',
        accountId: 'company-1',
        ownerId: 'owner-1',
      }),
      expect.objectContaining({
        externalKey: 'alert:a2',
        accountId: 'company-2',
        ownerId: 'owner-2',
      }),
    ]);
  });

  it('makes one deal of two signals for one customer and reason, with the later numbers', async () => {
    const { provider, service } = syncWith([customer('c1')]);
    provider.accounts.set('c1', { id: 'company-1', ownerId: null, created: false });
    const later = alert('a2', 'c1', {
      channels: [],
      level: '100',
      incrementalAnnualRevenue: new Decimal('3600'),
      firedAt: new Date(firedAt.getTime() + 3_600_000),
    });
    const deals = [alertMessages(later)[1], alertMessages(alert('a1', 'c1', { channels: [] }))[1]];
    const messages = claimed(...deals);
    expect(statuses(await service.sync(messages))).toEqual(['sent', 'sent']);
    expect(provider.records('upsertOpportunities')).toEqual([
      expect.objectContaining({ externalKey: 'c1:usage_limit', amount: '3600' }),
    ]);

    // Both messages share the one deal's outcome.
    provider.answers.set('upsertOpportunities', [
      { key: 'c1:usage_limit', message: 'bad amount', retriable: false },
    ]);
    const again = claimed(...deals);
    const outcomes = await service.sync(again);
    expect(statuses(outcomes)).toEqual(['failed', 'failed']);
    expect(errorOf(outcomes, again[0].id)).toBeInstanceOf(PermanentDeliveryError);
  });

  it('fails only the messages behind a failed record, retriably unless the CRM says retrying cannot help', async () => {
    const { provider, service } = syncWith([customer('c1'), customer('c2')]);
    provider.accounts.set('c1', { id: 'company-1', ownerId: null, created: false });
    provider.accounts.set('c2', { id: 'company-2', ownerId: null, created: false });
    provider.answers.set('upsertTasks', [
      { key: 'alert:a1', message: 'owner inactive', retriable: false },
      { key: 'alert:a2', message: 'timeout', retriable: true },
    ]);
    const noDeal = { incrementalAnnualRevenue: new Decimal(0) };
    const [p1, t1] = claimed(...alertMessages(alert('a1', 'c1', noDeal)));
    const [p2, t2] = claimed(...alertMessages(alert('a2', 'c2', noDeal)));
    const outcomes = await service.sync([p1, t1, p2, t2]);
    expect(statuses(outcomes)).toEqual(['sent', 'failed', 'sent', 'failed']);
    expect(errorOf(outcomes, t1.id)).toBeInstanceOf(PermanentDeliveryError);
    expect(errorOf(outcomes, t2.id)).not.toBeInstanceOf(PermanentDeliveryError);
    expect(String(errorOf(outcomes, t2.id))).toContain('timeout');
  });

  it("defers every message behind a rate-limited call by the CRM's Retry-After, and pushes none of their later records", async () => {
    const { provider, service } = syncWith([customer('c1', 'company-1')], [invoiceRow]);
    provider.answers.set('updateAccountProperties', new CrmRateLimitedError(2_000, '429'));
    const messages = claimed(
      alertMessages(alert('a1', 'c1', { channels: [] }))[0],
      invoiceMessage({ id: 'inv-1', customerId: 'c1' }),
    );
    const outcomes = await service.sync(messages);
    // The invoice message also fed the properties update, so it shares its fate.
    expect(statuses(outcomes)).toEqual(['failed', 'failed']);
    const error = errorOf(outcomes, messages[0].id);
    expect(error).toBeInstanceOf(DeferredDeliveryError);
    expect((error as DeferredDeliveryError).retryAfterMs).toBe(2_000);
    expect(provider.records('upsertInvoices')).toHaveLength(0);
  });

  it('dead-letters what no retry can fix: a bad payload, an unknown customer, no matching account, a draft invoice', async () => {
    const { provider, service } = syncWith([customer('c1'), customer('c2', 'company-2')]);
    const bad = claimed({
      dedupeKey: 'x',
      payload: { kind: 'nonsense', customerId: 'c1' } as never,
    });
    const unknown = claimed(alertMessages(alert('a9', 'c9', { channels: [] }))[0]);
    const unmatched = claimed(alertMessages(alert('a1', 'c1', { channels: [] }))[0]);
    const draft = claimed(invoiceMessage({ id: 'inv-draft', customerId: 'c2' }));
    const outcomes = await service.sync([...bad, ...unknown, ...unmatched, ...draft]);
    const reasons = [...outcomes.values()].map((outcome) => {
      expect(outcome.status).toBe('failed');
      const error = outcome.status === 'failed' ? outcome.error : null;
      expect(error).toBeInstanceOf(PermanentDeliveryError);
      return (error as Error).message;
    });
    expect(reasons[0]).toMatch(/^not a CRM message/);
    expect(reasons[1]).toBe('no customer c9');
    expect(reasons[2]).toMatch(/no hubspot account matches customer 'ext-c1'/);
    expect(reasons[3]).toBe('no finalized invoice');
    expect(provider.calls.map((c) => c.call)).toEqual(['resolveAccounts']);
  });

  it('refuses the whole batch when no CRM provider is configured', async () => {
    const service = new CrmSyncService(
      null,
      {} as CrmSyncSources,
      AppConfig.fromEnvironment({}),
      {} as CrmAccountFigures,
    );
    const messages = claimed(invoiceMessage({ id: 'inv-1', customerId: 'c1' }));
    await expect(service.sync(messages)).rejects.toBeInstanceOf(PermanentDeliveryError);
  });
});
