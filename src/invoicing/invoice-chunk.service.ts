import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { RevenueRecorder } from '../analytics/ledger/revenue-recorder.service';
import { Clock } from '../common/clock';
import { CreditLedgerRepository, creditPurseKey } from '../credits/credit-ledger.repository';
import { PrepaidBlockRepository } from '../credits/prepaid-block.repository';
import { RolloverSource, rolloverLots } from '../credits/rollover-lots';
import { CrmOutbox } from '../crm/crm-outbox.service';
import { inTransaction } from '../database/transaction';
import { BillableSubscription } from './billable-subscription';
import { NextPeriod, nextPeriods } from './billing-chunks';
import { BlockPurses } from './block-purses';
import { BillingSubscriptionsRepository } from './billing-subscriptions.repository';
import { CreditSnapshot } from './credit-sources';
import { BillingContext, InvoiceBuilder, lotsToIssue } from './invoice-builder.service';
import { DraftContents, InvoiceRepository } from './invoice.repository';
import { MeasuredUsage } from './usage-charges';

/** What one round of a chunk came to. */
export interface ChunkRound {
  /** Invoices created and finalized. */
  created: number;
  /** Subscriptions another run (a replica) was billing at the time, left to it. */
  claimedElsewhere: string[];
  /** The period billed (or found already invoiced) for each subscription the round held. */
  billed: NextPeriod[];
}

/** A round that wrote nothing, with the periods it was billing (none when it failed before knowing them). */
export class ChunkRoundFailed extends Error {
  constructor(
    readonly periods: readonly NextPeriod[],
    error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Bills the next due period of each subscription of a chunk in one
 * transaction: claimed together (SKIP LOCKED), their customers locked, usage
 * read from the rollups for all of them in one query, credit and prepaid blocks
 * locked and spent in memory invoice after invoice, then lines, consumptions,
 * block draws and purchases, rollovers, numbers, revenue and CRM messages
 * written set-based. The transaction holds
 * whole invoices or nothing: a crash or a failure leaves no part of any, and
 * numbers are taken in the one statement that finalizes them (and claimed in
 * global_keys by the next), just before the commit, so none is lost.
 */
@Injectable()
export class InvoiceChunkService {
  constructor(
    private readonly db: DataSource,
    private readonly subscriptions: BillingSubscriptionsRepository,
    private readonly invoices: InvoiceRepository,
    private readonly builder: InvoiceBuilder,
    private readonly ledger: CreditLedgerRepository,
    private readonly clock: Clock,
    private readonly revenue: RevenueRecorder,
    private readonly crm: CrmOutbox,
    private readonly blocks: PrepaidBlockRepository,
  ) {}

  /** One round: throws ChunkRoundFailed, having written nothing, when any invoice of it fails. */
  async billNextPeriods(
    subscriptions: readonly BillableSubscription[],
    billedUntil: Date,
  ): Promise<ChunkRound> {
    let due: NextPeriod[] = [];
    try {
      return await inTransaction(this.db, async (tx) => {
        const claimed = await this.subscriptions.claim(tx, subscriptions);
        const mine = subscriptions.filter((subscription) => claimed.has(subscription.id));
        const claimedElsewhere = subscriptions
          .filter((subscription) => !claimed.has(subscription.id))
          .map((subscription) => subscription.id);
        if (mine.length === 0) return { created: 0, claimedElsewhere, billed: [] };
        await this.invoices.lockCustomers(tx, [
          ...new Set(mine.map((subscription) => subscription.customerId)),
        ]);
        due = nextPeriods(mine, await this.subscriptions.invoicedUntil(tx, mine), billedUntil);
        return { created: await this.invoiceAll(tx, due), claimedElsewhere, billed: due };
      });
    } catch (error) {
      throw new ChunkRoundFailed(due, error);
    }
  }

  /** Drafts, prices, credits, numbers and finalizes one invoice per period; answers how many it created. */
  private async invoiceAll(tx: EntityManager, due: readonly NextPeriod[]): Promise<number> {
    const contexts: BillingContext[] = [];
    for (const { subscription, period } of due) {
      contexts.push(await this.builder.context(subscription, period));
    }
    const createdAt = this.clock.now();
    const drafts = await this.invoices.insertDrafts(
      tx,
      contexts.map(({ subscription, plan, period, usageBilledUntil }) => ({
        customerId: subscription.customerId,
        subscriptionId: subscription.id,
        planVersionId: plan.versionId,
        period,
        currency: plan.currency,
        taxRate: subscription.taxRate,
        usageBilledUntil,
        createdAt,
      })),
    );
    // A period someone else invoiced meanwhile has no new draft: nothing to do for it.
    const fresh = contexts.filter((context) => drafts.has(context.subscription.id));
    if (fresh.length === 0) return 0;

    // Usage is read after the customer locks, so it holds every event that will ever count for these intervals.
    const measured = await this.builder.measure(tx, fresh);
    await this.ledger.issueGrantLots(tx, fresh.flatMap(lotsToIssue));
    const contents = await this.price(tx, fresh, measured, drafts);
    await this.invoices.saveContents(tx, contents);
    await this.ledger.recordConsumptions(
      tx,
      contents.map(({ invoiceId, customerId, draft }) => ({
        invoiceId,
        customerId,
        consumptions: draft.consumptions,
      })),
    );
    await this.blocks.recordInvoices(
      tx,
      contents.map(({ invoiceId, customerId, draft }) => ({
        invoiceId,
        customerId,
        draws: draft.blockDraws,
        purchasedLotIds: draft.blockPurchasesBilled,
      })),
    );
    await this.rollOver(tx, fresh);

    const finalized = await this.invoices.finalize(
      tx,
      contents.map(({ invoiceId, customerId }) => ({ id: invoiceId, customerId })),
      this.clock.now(),
    );
    await this.revenue.recordFinalizedInvoices(tx, finalized);
    await this.crm.enqueueInvoices(tx, finalized);
    return finalized.length;
  }

  /**
   * Prices the invoices in order, each drawing on its customer's credit lots
   * and prepaid blocks (read and locked once for the round) as the invoices
   * before it left them.
   */
  private async price(
    tx: EntityManager,
    contexts: readonly BillingContext[],
    measured: readonly MeasuredUsage[][],
    drafts: ReadonlyMap<string, string>,
  ): Promise<DraftContents[]> {
    const purseOf = (context: BillingContext) =>
      creditPurseKey(context.subscription.customerId, context.plan.currency);
    const lots = await this.ledger.availableLotsOf(
      tx,
      contexts.map((context) => ({
        customerId: context.subscription.customerId,
        currency: context.plan.currency,
      })),
      { forUpdate: true },
    );
    const blocks = await BlockPurses.load(tx, this.blocks, contexts, { forUpdate: true });
    const purses = new Map<string, CreditSnapshot>();
    return contexts.map((context, index) => {
      const key = purseOf(context);
      let purse = purses.get(key);
      if (!purse) {
        // every plan lot of the chunk is issued already: none is pending
        purse = new CreditSnapshot(lots.get(key) ?? [], new Set());
        purses.set(key, purse);
      }
      const draft = this.builder.price(
        context,
        measured[index],
        purse.available(),
        blocks.of(context),
      );
      purse.spend(draft.consumptions);
      blocks.spend(draft);
      return {
        invoiceId: drafts.get(context.subscription.id) as string,
        customerId: context.subscription.customerId,
        draft,
      };
    });
  }

  /** Grant lots whose last usage these invoices billed are final now: roll over what they left. */
  private async rollOver(tx: EntityManager, contexts: readonly BillingContext[]): Promise<void> {
    const sources = await this.ledger.rolloverSources(
      tx,
      contexts.flatMap(({ subscription, usageBilledUntil }) =>
        usageBilledUntil === null
          ? []
          : [
              {
                subscriptionId: subscription.id,
                customerId: subscription.customerId,
                until: usageBilledUntil,
              },
            ],
      ),
    );
    const bySubscription = new Map<string, RolloverSource[]>();
    for (const source of sources) {
      bySubscription.set(source.subscriptionId, [
        ...(bySubscription.get(source.subscriptionId) ?? []),
        source,
      ]);
    }
    await this.ledger.issueRollovers(
      tx,
      contexts.flatMap((context) =>
        rolloverLots(bySubscription.get(context.subscription.id) ?? [], context.schedule),
      ),
    );
  }
}
