import { DataSource } from 'typeorm';
import { RevenueRecorder } from '../../analytics/ledger/revenue-recorder.service';
import { Clock } from '../../common/clock';
import { Decimal } from '../../common/decimal';
import { Interval } from '../../common/period';
import { ScheduleInput } from '../../common/billing-schedule';
import { CreditLedgerRepository, creditPurseKey } from '../../credits/credit-ledger.repository';
import { CreditLot } from '../../credits/credit-lot';
import { PrepaidBlockRepository } from '../../credits/prepaid-block.repository';
import { CrmOutbox } from '../../crm/crm-outbox.service';
import { CustomerRow } from '../../database/customer-routing';
import { BillableSubscription } from '../billable-subscription';
import { BillingPlan } from '../billing-plan';
import {
  BillingSubscriptionsRepository,
  SubscriptionToBill,
} from '../billing-subscriptions.repository';
import { InvoiceChunkService } from '../invoice-chunk.service';
import { InvoiceDraft } from '../invoice-calculator';
import { BillingContext, InvoiceBuilder } from '../invoice-builder.service';
import {
  DraftContents,
  DraftToFinalize,
  InvoiceRepository,
  NewInvoice,
} from '../invoice.repository';

/**
 * In-memory fakes of the billing run's ports, for unit tests of its decisions
 * and of the chunk service's. The store keeps invoices unique per subscription
 * and period as the table does, and rolls a failed transaction back. Pricing is
 * the InvoiceBuilder's (unit tested in invoice-calculator.spec.ts): here an
 * invoice takes a fixed amount of credit, or throws as a broken rate would.
 * The SQL, the locks and the replicas are tested end to end
 * (test/e2e/billing-runs.e2e-spec.ts, replicas-billing).
 */
export interface StoredInvoice {
  id: string;
  customerId: string;
  subscriptionId: string;
  periodStart: Date;
  periodEnd: Date;
  status: 'draft' | 'finalized';
  number: string | null;
  /** Credit taken, `lot amount`, as saved with the invoice's contents. */
  consumptions: string[];
}

/** What a committed transaction leaves: invoices, credit lots and what finalizing invoices queued. */
interface State {
  invoices: StoredInvoice[];
  lots: CreditLot[];
  revenue: string[];
  crm: string[];
  rolloversAsked: string[];
}

export function monthly(id: string, start: Date, customerId = `cus-${id}`): BillableSubscription {
  return {
    id,
    customerId,
    customerExternalId: customerId,
    currency: 'USD',
    taxRate: new Decimal(0),
    start,
    end: null,
    billingCadence: { unit: 'month', count: 1 },
    anchorDay: null,
    planVersionId: 'version-1',
    planChanges: [],
    licenceQuantities: new Map(),
  };
}

function copy(state: State): State {
  return {
    invoices: state.invoices.map((invoice) => ({ ...invoice })),
    lots: state.lots.map((lot) => ({ ...lot })),
    revenue: [...state.revenue],
    crm: [...state.crm],
    rolloversAsked: [...state.rolloversAsked],
  };
}

export class InMemoryBilling {
  state: State = { invoices: [], lots: [], revenue: [], crm: [], rolloversAsked: [] };
  readonly subscriptions: BillableSubscription[] = [];
  /** Subscriptions another replica holds: their claim is skipped. */
  readonly claimedElsewhere = new Set<string>();
  /** `subscription period-start` pairs whose pricing throws, as a broken rate would. */
  readonly failing = new Set<string>();
  /** Subscriptions whose claim throws, as a lost connection would, before any period is known. */
  readonly unreachable = new Set<string>();
  /** Credit each invoice takes from its customer's lots, in lot order. */
  creditPerInvoice = new Decimal(0);
  /** Called on each claim, with the ids asked for: lets a test act mid-run. */
  onClaim: (ids: readonly string[]) => void = () => undefined;
  readonly batchesAfter: Array<string | null> = [];
  /** Subscription ids of each committed transaction that claimed, in order. */
  readonly rounds: string[][] = [];
  /** When the run asked for the monthly rollups to be sealed, and how many claims came before. */
  readonly seals: Array<{ before: Date; claimsBefore: number }> = [];

  readonly rollupSeal = {
    sealBefore: async (now: Date): Promise<Date> => {
      this.seals.push({ before: now, claimsBefore: this.rounds.length });
      return now;
    },
  };

  readonly db = {
    transaction: async <T>(work: (tx: object) => Promise<T>): Promise<T> => {
      const before = copy(this.state);
      try {
        return await work({});
      } catch (error) {
        this.state = before;
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
        .slice(0, limit)
        .map((subscription) => ({
          subscription,
          invoicedUntil: this.invoicedUntilOf(subscription.id),
        }));
    },
    claim: async (_tx: unknown, subscriptions: readonly CustomerRow[]): Promise<Set<string>> => {
      const ids = subscriptions.map((subscription) => subscription.id);
      this.onClaim(ids);
      const lost = ids.find((id) => this.unreachable.has(id));
      if (lost) throw new Error(`connection lost claiming ${lost}`);
      const claimed = ids.filter((id) => !this.claimedElsewhere.has(id));
      this.rounds.push(claimed);
      return new Set(claimed);
    },
    invoicedUntil: async (
      _tx: unknown,
      subscriptions: readonly CustomerRow[],
    ): Promise<Map<string, Date>> =>
      new Map(
        subscriptions.flatMap(({ id }) => {
          const until = this.invoicedUntilOf(id);
          return until ? [[id, until] as const] : [];
        }),
      ),
  };

  readonly invoices = {
    lockCustomer: async () => undefined,
    lockCustomers: async () => undefined,
    insertDrafts: async (
      _tx: unknown,
      invoices: readonly NewInvoice[],
    ): Promise<Map<string, string>> => {
      const drafts = new Map<string, string>();
      for (const invoice of invoices) {
        const taken = this.invoicesOf(invoice.subscriptionId).some(
          (i) => i.periodStart.getTime() === invoice.period.start.getTime(),
        );
        if (!taken) {
          drafts.set(
            invoice.subscriptionId,
            this.addInvoice(invoice.subscriptionId, invoice.period, 'draft', invoice.customerId),
          );
        }
      }
      return drafts;
    },
    saveContents: async (_tx: unknown, contents: readonly DraftContents[]): Promise<void> => {
      for (const { invoiceId, draft } of contents) {
        const invoice = this.state.invoices.find((i) => i.id === invoiceId) as StoredInvoice;
        invoice.consumptions = draft.consumptions.map(
          ({ lotId, amount }) => `${lotId} ${amount.toString()}`,
        );
      }
    },
    finalize: async (_tx: unknown, drafts: readonly CustomerRow[]) =>
      drafts.flatMap(({ id, customerId }) => {
        const invoice = this.state.invoices.find((i) => i.id === id);
        if (!invoice || invoice.status !== 'draft') return [];
        invoice.status = 'finalized';
        invoice.number = `INV-${this.state.invoices.filter((i) => i.number).length + 1}`;
        return [{ id, number: invoice.number, customerId }];
      }),
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
        plan: {
          versionId: subscription.planVersionId,
          currency: subscription.currency,
          rates: [],
          licenceFees: [],
          creditGrants: [],
          commitment: null,
        } as unknown as BillingPlan,
        schedule: {} as ScheduleInput,
        period,
        usageIntervals: [period],
        licenceIntervals: [],
        usageBilledUntil: period.end,
        usageParts: [],
        licenceParts: [],
      }) satisfies BillingContext,
    measure: async (_tx: unknown, contexts: readonly BillingContext[]) => contexts.map(() => []),
    price: (context: BillingContext, _measured: unknown, lots: CreditLot[]): InvoiceDraft => {
      const key = `${context.subscription.id} ${context.period.start.toISOString()}`;
      if (this.failing.has(key)) throw new Error(`no rate for ${key}`);
      let wanted = this.creditPerInvoice;
      const consumptions = [];
      for (const lot of lots) {
        const amount = Decimal.min(wanted, lot.remaining);
        if (!amount.gt(0)) continue;
        consumptions.push({ lotId: lot.id, amount });
        wanted = wanted.minus(amount);
      }
      return { consumptions, blockDraws: [], blockPurchasesBilled: [] } as unknown as InvoiceDraft;
    },
  };

  readonly ledger = {
    issueGrantLots: async () => undefined,
    availableLotsOf: async (
      _tx: unknown,
      purses: ReadonlyArray<{ customerId: string; currency: string }>,
    ): Promise<Map<string, CreditLot[]>> =>
      new Map(
        purses.map(({ customerId, currency }) => [
          creditPurseKey(customerId, currency),
          this.state.lots
            .filter((lot) => lot.id.startsWith(`${customerId}:`) && lot.remaining.gt(0))
            .map((lot) => ({ ...lot })),
        ]),
      ),
    recordConsumptions: async (
      _tx: unknown,
      spent: ReadonlyArray<{ consumptions: ReadonlyArray<{ lotId: string; amount: Decimal }> }>,
    ): Promise<void> => {
      for (const { lotId, amount } of spent.flatMap((invoice) => invoice.consumptions)) {
        const lot = this.state.lots.find((l) => l.id === lotId) as CreditLot;
        lot.remaining = lot.remaining.minus(amount);
        if (lot.remaining.lt(0)) throw new Error(`credit lot ${lotId} would go below zero`);
      }
    },
    rolloverSources: async (
      _tx: unknown,
      bounds: ReadonlyArray<{ subscriptionId: string; until: Date }>,
    ) => {
      this.state.rolloversAsked.push(
        ...bounds.map(({ subscriptionId, until }) => `${subscriptionId} ${until.toISOString()}`),
      );
      return [];
    },
    issueRollovers: async () => undefined,
  };

  /** No prepaid blocks here: block drawdown is unit tested in block-drawdown.spec.ts. */
  readonly blocks = {
    availableOf: async () => [],
    unbilledOf: async () => [],
    recordInvoices: async () => undefined,
  };

  readonly revenue = {
    recordFinalizedInvoices: async (_tx: unknown, invoices: readonly CustomerRow[]) =>
      void this.state.revenue.push(...invoices.map(({ id }) => id)),
  };

  readonly crm = {
    enqueueInvoices: async (_tx: unknown, invoices: ReadonlyArray<{ id: string }>) =>
      void this.state.crm.push(...invoices.map(({ id }) => id)),
  };

  /** A lot of USD credit for a customer; its id starts with the customer's. */
  addLot(customerId: string, amount: string): string {
    const id = `${customerId}:lot-${this.state.lots.length + 1}`;
    this.state.lots.push({
      id,
      name: 'Top-up',
      remaining: new Decimal(amount),
      appliesTo: null,
      validFrom: new Date(0),
      expiresAt: null,
    });
    return id;
  }

  /** The real chunk service over these fakes. */
  chunkService(clock: Clock): InvoiceChunkService {
    return new InvoiceChunkService(
      this.db as unknown as DataSource,
      this.subscriptionsRepository as unknown as BillingSubscriptionsRepository,
      this.invoices as unknown as InvoiceRepository,
      this.builder as unknown as InvoiceBuilder,
      this.ledger as unknown as CreditLedgerRepository,
      clock,
      this.revenue as unknown as RevenueRecorder,
      this.crm as unknown as CrmOutbox,
      this.blocks as unknown as PrepaidBlockRepository,
    );
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

  addInvoice(
    subscriptionId: string,
    period: Interval,
    status: StoredInvoice['status'],
    customerId = `cus-${subscriptionId}`,
  ): string {
    const id = `inv-${String(this.state.invoices.length + 1).padStart(4, '0')}`;
    this.state.invoices.push({
      id,
      customerId,
      subscriptionId,
      periodStart: period.start,
      periodEnd: period.end,
      status,
      number: null,
      consumptions: [],
    });
    return id;
  }

  private invoicedUntilOf(subscriptionId: string): Date | null {
    return this.invoicesOf(subscriptionId).reduce<Date | null>(
      (latest, i) => (latest && latest > i.periodEnd ? latest : i.periodEnd),
      null,
    );
  }
}
