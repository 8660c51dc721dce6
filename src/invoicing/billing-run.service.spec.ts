import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RevenueRecorder } from '../analytics/ledger/revenue-recorder.service';
import { ManualClock } from '../common/clock';
import { Decimal } from '../common/decimal';
import { ValidationFailedError } from '../common/errors';
import { Interval } from '../common/period';
import { ShutdownService } from '../common/shutdown.service';
import { AppConfig } from '../config/app-config';
import { CreditLedgerRepository } from '../credits/credit-ledger.repository';
import { CrmOutbox } from '../crm/crm-outbox.service';
import { BillableSubscription } from './billable-subscription';
import { BillingRunService } from './billing-run.service';
import {
  BillingSubscriptionsRepository,
  SubscriptionToBill,
} from './billing-subscriptions.repository';
import { BillingContext, InvoiceBuilder } from './invoice-builder.service';
import { DraftToFinalize, InvoiceRepository, NewInvoice } from './invoice.repository';

/**
 * The billing run's decisions (which periods, in which order, what a claim by
 * another replica, a failure or a shutdown leaves) against an in-memory store
 * that keeps invoices unique per subscription and period as the table does,
 * and rolls a failed transaction back. Pricing is the InvoiceBuilder's (unit
 * tested in invoice-calculator.spec.ts); the SQL, the locks and the replicas
 * are tested end to end (test/e2e/billing-runs.e2e-spec.ts, replicas-billing).
 */
const JAN = new Date('2026-01-01T00:00:00Z');
const FEB = new Date('2026-02-01T00:00:00Z');
const MAR = new Date('2026-03-01T00:00:00Z');
const APR = new Date('2026-04-01T00:00:00Z');
const HOUR = 3_600_000;

interface StoredInvoice {
  id: string;
  customerId: string;
  subscriptionId: string;
  periodStart: Date;
  periodEnd: Date;
  status: 'draft' | 'finalized';
  number: string | null;
}

/** A transaction of the fake: what to undo, newest last, should it fail. */
interface Tx {
  undo: Array<() => void>;
}

/** What a committed transaction leaves: invoices and what finalizing them queued. */
interface State {
  invoices: StoredInvoice[];
  revenue: string[];
  crm: string[];
  rolloversAsked: string[];
}

function monthly(id: string, start = JAN, end: Date | null = null): BillableSubscription {
  return {
    id,
    customerId: `cus-${id}`,
    customerExternalId: id,
    currency: 'USD',
    taxRate: new Decimal(0),
    start,
    end,
    billingCadence: { unit: 'month', count: 1 },
    anchorDay: null,
    planVersionId: 'version-1',
    planChanges: [],
    licenceQuantities: new Map(),
  };
}

class InMemoryBilling {
  readonly state: State = { invoices: [], revenue: [], crm: [], rolloversAsked: [] };
  readonly subscriptions: BillableSubscription[] = [];
  /** Subscriptions another replica holds: their claim is skipped. */
  readonly claimedElsewhere = new Set<string>();
  /** `subscription period-start` pairs whose build throws, as a broken rate would. */
  readonly failing = new Set<string>();
  readonly batchesAfter: Array<string | null> = [];

  readonly db = {
    transaction: async <T>(work: (tx: Tx) => Promise<T>): Promise<T> => {
      const tx: Tx = { undo: [] };
      try {
        return await work(tx);
      } catch (error) {
        for (const undo of tx.undo.reverse()) undo();
        throw error;
      }
    },
  };

  readonly subscriptionsRepository = {
    batchAfter: async (
      afterId: string | null,
      startedBefore: Date,
      limit: number,
    ): Promise<SubscriptionToBill[]> => {
      this.batchesAfter.push(afterId);
      return [...this.subscriptions]
        .sort((a, b) => a.id.localeCompare(b.id))
        .filter((s) => (afterId === null || s.id > afterId) && s.start < startedBefore)
        .filter((s) => !(s.end && this.invoicesOf(s.id).some((i) => i.periodEnd >= s.end!)))
        .slice(0, limit)
        .map((subscription) => ({
          subscription,
          invoicedUntil: this.invoicesOf(subscription.id).reduce<Date | null>(
            (latest, i) => (latest && latest > i.periodEnd ? latest : i.periodEnd),
            null,
          ),
        }));
    },
    claim: async (_tx: unknown, id: string) => !this.claimedElsewhere.has(id),
  };

  readonly invoices = {
    lockCustomer: async () => undefined,
    insertDraft: async (tx: Tx, invoice: NewInvoice): Promise<string | null> => {
      const taken = this.invoicesOf(invoice.subscriptionId).some(
        (i) => i.periodStart.getTime() === invoice.period.start.getTime(),
      );
      if (taken) return null;
      tx.undo.push(() => this.state.invoices.pop());
      return this.addInvoice(invoice.subscriptionId, invoice.period, 'draft');
    },
    saveContents: async () => undefined,
    finalize: async (tx: Tx, id: string) => {
      const invoice = this.state.invoices.find((i) => i.id === id);
      if (!invoice || invoice.status !== 'draft') return null;
      tx.undo.push(() => Object.assign(invoice, { status: 'draft', number: null }));
      invoice.status = 'finalized';
      invoice.number = `INV-${this.state.invoices.filter((i) => i.number).length + 1}`;
      return { id, number: invoice.number };
    },
    draftsEndedBy: async (
      endedBy: Date,
      afterId: string | null,
      limit: number,
    ): Promise<DraftToFinalize[]> =>
      this.state.invoices
        .filter((i) => i.status === 'draft' && i.periodEnd <= endedBy)
        .filter((i) => afterId === null || i.id > afterId)
        .slice(0, limit),
  };

  readonly builder = {
    context: async (subscription: BillableSubscription, period: Interval) =>
      ({
        subscription,
        plan: { versionId: subscription.planVersionId, currency: subscription.currency },
        period,
        usageBilledUntil: period.end,
      }) as BillingContext,
    build: async (_tx: unknown, context: BillingContext) => {
      const key = `${context.subscription.id} ${context.period.start.toISOString()}`;
      if (this.failing.has(key)) throw new Error(`no rate for ${key}`);
      return { consumptions: [] };
    },
  };

  readonly ledger = {
    recordConsumptions: async () => undefined,
    rolloverSources: async (tx: Tx, subscriptionId: string, billedUntil: Date) => {
      this.record(tx, this.state.rolloversAsked, `${subscriptionId} ${billedUntil.toISOString()}`);
      return [];
    },
    issueRollovers: async () => undefined,
  };

  readonly revenue = {
    recordFinalizedInvoice: async (tx: Tx, id: string) => this.record(tx, this.state.revenue, id),
  };

  readonly crm = {
    enqueueInvoice: async (tx: Tx, invoice: { id: string }) =>
      this.record(tx, this.state.crm, invoice.id),
  };

  private record(tx: Tx, list: string[], entry: string): void {
    list.push(entry);
    tx.undo.push(() => list.pop());
  }

  invoicesOf(subscriptionId: string): StoredInvoice[] {
    return this.state.invoices.filter((i) => i.subscriptionId === subscriptionId);
  }

  /** `subscription period-start status` of every invoice, for readable expectations. */
  summary(): string[] {
    return this.state.invoices.map(
      (i) => `${i.subscriptionId} ${i.periodStart.toISOString().slice(0, 7)} ${i.status}`,
    );
  }

  addInvoice(subscriptionId: string, period: Interval, status: StoredInvoice['status']): string {
    const id = `inv-${String(this.state.invoices.length + 1).padStart(4, '0')}`;
    this.state.invoices.push({
      id,
      customerId: `cus-${subscriptionId}`,
      subscriptionId,
      periodStart: period.start,
      periodEnd: period.end,
      status,
      number: null,
    });
    return id;
  }
}

/** A run at `now` with the default grace period of one hour. */
function billingRunAt(now: Date) {
  const store = new InMemoryBilling();
  const clock = new ManualClock(now);
  const shutdown = new ShutdownService();
  const service = new BillingRunService(
    store.db as unknown as DataSource,
    store.subscriptionsRepository as unknown as BillingSubscriptionsRepository,
    store.invoices as unknown as InvoiceRepository,
    store.builder as unknown as InvoiceBuilder,
    store.ledger as unknown as CreditLedgerRepository,
    AppConfig.fromEnvironment({}),
    clock,
    store.revenue as unknown as RevenueRecorder,
    store.crm as unknown as CrmOutbox,
    shutdown,
  );
  return { store, clock, shutdown, service };
}

describe('BillingRunService', () => {
  it('bills, in order, each period that ended a grace period ago, and a rerun bills nothing again', async () => {
    // 30 minutes after March ended: within the grace period, March waits.
    const { store, clock, service } = billingRunAt(new Date(APR.getTime() + HOUR / 2));
    store.subscriptions.push(monthly('a'));
    expect(await service.run()).toMatchObject({
      billedUntil: new Date(APR.getTime() - HOUR / 2),
      invoicesCreated: 2,
      invoicesFinalized: 2,
      subscriptionsSkipped: 0,
      failures: [],
    });
    expect(store.summary()).toEqual(['a 2026-01 finalized', 'a 2026-02 finalized']);
    expect(store.state.revenue).toEqual(['inv-0001', 'inv-0002']);
    expect(store.state.crm).toEqual(['inv-0001', 'inv-0002']);
    expect(store.state.rolloversAsked).toEqual([
      `a ${FEB.toISOString()}`,
      `a ${MAR.toISOString()}`,
    ]);

    expect(await service.run()).toMatchObject({ invoicesCreated: 0, invoicesFinalized: 0 });
    expect(store.state.crm).toHaveLength(2);

    clock.advance(HOUR);
    expect(await service.run()).toMatchObject({ invoicesCreated: 1 });
    expect(store.summary()).toContain('a 2026-03 finalized');
  });

  it('refuses a run as of a time still to come, naming asOf', async () => {
    const { store, service } = billingRunAt(MAR);
    store.subscriptions.push(monthly('a'));
    const run = service.run(APR);
    await expect(run).rejects.toBeInstanceOf(ValidationFailedError);
    await expect(run).rejects.toThrow(/asOf/);
    expect(store.summary()).toEqual([]);
  });

  it('leaves a subscription another replica is billing to it and bills the others', async () => {
    const { store, service } = billingRunAt(MAR);
    store.subscriptions.push(monthly('a'), monthly('b'));
    store.claimedElsewhere.add('a');
    expect(await service.run()).toMatchObject({ invoicesCreated: 1, subscriptionsSkipped: 1 });
    expect(store.summary()).toEqual(['b 2026-01 finalized']);
  });

  it('reports a failed period, rolls it back, holds the later ones and bills other subscriptions', async () => {
    const { store, service } = billingRunAt(APR);
    store.subscriptions.push(monthly('a'), monthly('b'));
    store.failing.add(`a ${FEB.toISOString()}`);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const result = await service.run(APR);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining('billing subscription a for'));
    logged.mockRestore();
    expect(result.failures).toEqual([
      { subscriptionId: 'a', periodStart: FEB, message: `no rate for a ${FEB.toISOString()}` },
    ]);
    expect(store.summary()).toEqual([
      'a 2026-01 finalized',
      'b 2026-01 finalized',
      'b 2026-02 finalized',
    ]);
    // Nothing of the failed period was kept: no draft, no revenue, no CRM message.
    expect(store.state.crm).toHaveLength(3);

    store.failing.clear();
    expect(await service.run(APR)).toMatchObject({ invoicesCreated: 1, failures: [] });
    expect(store.summary()).toContain('a 2026-02 finalized');
  });

  it('finalizes drafts left by another process once their period has ended, not before', async () => {
    const { store, service } = billingRunAt(MAR);
    const ended = store.addInvoice('x', { start: JAN, end: FEB }, 'draft');
    store.addInvoice('y', { start: FEB, end: MAR }, 'draft');
    expect(await service.run()).toMatchObject({ invoicesCreated: 0, invoicesFinalized: 1 });
    expect(store.summary()).toEqual(['x 2026-01 finalized', 'y 2026-02 draft']);
    expect(store.state.revenue).toEqual([ended]);
    expect(store.state.crm).toEqual([ended]);
  });

  it('claims no more subscriptions once the replica is stopping', async () => {
    const { store, shutdown, service } = billingRunAt(MAR);
    store.subscriptions.push(monthly('a'));
    shutdown.onModuleDestroy();
    expect(await service.run()).toMatchObject({ invoicesCreated: 0, failures: [] });
    expect(store.summary()).toEqual([]);
  });

  it('reads subscriptions in keyset batches and bills every one', async () => {
    const { store, service } = billingRunAt(new Date(MAR.getTime() + HOUR));
    const ids = Array.from({ length: 501 }, (_, i) => `s${String(i).padStart(4, '0')}`);
    store.subscriptions.push(...ids.map((id) => monthly(id, FEB)));
    expect(await service.run()).toMatchObject({ invoicesCreated: 501 });
    expect(store.batchesAfter).toEqual([null, ids[499]]);
  });
});
