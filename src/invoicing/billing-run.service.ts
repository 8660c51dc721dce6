import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { RevenueRecorder } from '../analytics/ledger/revenue-recorder.service';
import { Clock } from '../common/clock';
import { ValidationFailedError } from '../common/errors';
import { ShutdownService } from '../common/shutdown.service';
import { Interval } from '../common/period';
import { AppConfig } from '../config/app-config';
import { PrepaidBlockRepository } from '../credits/prepaid-block.repository';
import { CreditLedgerRepository } from '../credits/credit-ledger.repository';
import { rolloverLots } from '../credits/rollover-lots';
import { CrmOutbox } from '../crm/crm-outbox.service';
import { inTransaction } from '../database/transaction';
import { BillableSubscription } from './billable-subscription';
import { BillingSubscriptionsRepository } from './billing-subscriptions.repository';
import { ledgerCredits } from './credit-sources';
import { CreditSource, InvoiceBuilder } from './invoice-builder.service';
import { FinalizedInvoice, InvoiceRepository } from './invoice.repository';
import { duePeriods } from './subscription-schedule';

/** Subscriptions read per round trip; memory holds one batch, whatever the number of subscriptions. */
const BATCH_SIZE = 500;

export interface BillingRunFailure {
  subscriptionId: string;
  periodStart: Date;
  message: string;
}

export interface BillingRunResult {
  asOf: Date;
  /** Periods ended at or before this instant (asOf minus the grace period) were billed. */
  billedUntil: Date;
  invoicesCreated: number;
  invoicesFinalized: number;
  /** Subscriptions another run (a replica) was billing at the time, left to it. */
  subscriptionsSkipped: number;
  failures: BillingRunFailure[];
}

/** What billing one period came to: a new invoice, one already there, or a subscription another run is billing. */
type PeriodOutcome = 'created' | 'exists' | 'claimed_elsewhere';

/**
 * Invoices every billing period that ended at least the grace period before
 * `asOf`, each in its own transaction, and finalizes it.
 *
 * Safe to repeat and to run on several replicas at once: an invoice is unique per
 * subscription and period (a period already invoiced is skipped), and a
 * subscription being billed by another replica is left to it (SKIP LOCKED). A run
 * that stops half-way leaves only whole, finalized invoices; the next run bills
 * the rest. A period that fails is reported and its subscription's later periods
 * wait for the next run (periods are billed in order); other subscriptions go on.
 */
@Injectable()
export class BillingRunService {
  private readonly logger = new Logger(BillingRunService.name);
  private readonly credits: CreditSource;

  constructor(
    private readonly db: DataSource,
    private readonly subscriptions: BillingSubscriptionsRepository,
    private readonly invoices: InvoiceRepository,
    private readonly builder: InvoiceBuilder,
    private readonly ledger: CreditLedgerRepository,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly revenue: RevenueRecorder,
    private readonly crm: CrmOutbox,
    private readonly shutdown: ShutdownService,
    private readonly blocks: PrepaidBlockRepository,
  ) {
    this.credits = ledgerCredits(ledger);
  }

  async run(asOf?: Date): Promise<BillingRunResult> {
    const now = this.clock.now();
    const until = asOf ?? now;
    if (until > now) {
      // Billing a period that has not ended would close usage still to come.
      throw ValidationFailedError.field(
        'asOf',
        `must not be after the current time ${now.toISOString()}`,
      );
    }
    const billedUntil = new Date(until.getTime() - this.config.billingGracePeriodMs);
    const result: BillingRunResult = {
      asOf: until,
      billedUntil,
      invoicesCreated: 0,
      invoicesFinalized: 0,
      subscriptionsSkipped: 0,
      failures: [],
    };
    let afterId: string | null = null;
    for (;;) {
      const batch = await this.subscriptions.batchAfter(afterId, billedUntil, BATCH_SIZE);
      for (const { subscription, invoicedUntil } of batch) {
        // A replica shutting down claims no more subscriptions: the next run bills them.
        if (this.shutdown.stopping) return result;
        await this.billSubscription(
          subscription,
          duePeriods(subscription, invoicedUntil, billedUntil),
          result,
        );
      }
      if (batch.length < BATCH_SIZE) break;
      afterId = batch[batch.length - 1].subscription.id;
    }
    result.invoicesFinalized += await this.finalizeLeftoverDrafts(billedUntil, result);
    return result;
  }

  private async billSubscription(
    subscription: BillableSubscription,
    periods: Interval[],
    result: BillingRunResult,
  ): Promise<void> {
    for (const period of periods) {
      const outcome = await this.attempt(subscription.id, period.start, result, () =>
        this.billPeriod(subscription, period),
      );
      if (outcome === 'created') {
        result.invoicesCreated += 1;
        result.invoicesFinalized += 1;
      }
      if (outcome === 'claimed_elsewhere') result.subscriptionsSkipped += 1;
      if (outcome === 'claimed_elsewhere' || outcome === 'failed') return;
    }
  }

  /** One invoice, in one transaction: created, priced, credited, numbered and finalized, or nothing at all. */
  private billPeriod(subscription: BillableSubscription, period: Interval): Promise<PeriodOutcome> {
    return inTransaction(this.db, async (tx) => {
      if (!(await this.subscriptions.claim(tx, subscription.id))) return 'claimed_elsewhere';
      await this.invoices.lockCustomer(tx, subscription.customerId);
      const context = await this.builder.context(subscription, period);
      const invoiceId = await this.invoices.insertDraft(tx, {
        customerId: subscription.customerId,
        subscriptionId: subscription.id,
        planVersionId: context.plan.versionId,
        period,
        currency: context.plan.currency,
        taxRate: subscription.taxRate,
        usageBilledUntil: context.usageBilledUntil,
        createdAt: this.clock.now(),
      });
      if (invoiceId === null) return 'exists';
      // Usage is read after the customer lock, so it holds every event that will ever count for these intervals.
      const draft = await this.builder.build(tx, context, this.credits);
      await this.invoices.saveContents(tx, invoiceId, subscription.customerId, draft);
      await this.ledger.recordConsumptions(
        tx,
        invoiceId,
        subscription.customerId,
        draft.consumptions,
      );
      await this.blocks.recordInvoice(
        tx,
        subscription.customerId,
        invoiceId,
        draft.blockDraws,
        draft.blockPurchasesBilled,
      );
      // Grant lots whose last usage this invoice billed are final now: roll over what they left.
      if (context.usageBilledUntil !== null) {
        const sources = await this.ledger.rolloverSources(
          tx,
          subscription.id,
          context.usageBilledUntil,
        );
        await this.ledger.issueRollovers(tx, rolloverLots(sources, context.schedule));
      }
      await this.finalize(tx, invoiceId, subscription.customerId);
      return 'created';
    });
  }

  /**
   * Finalizes a draft, records its revenue in the analytics ledger and queues
   * its CRM push, all in the same transaction.
   */
  private async finalize(
    tx: EntityManager,
    invoiceId: string,
    customerId: string,
  ): Promise<FinalizedInvoice | null> {
    const finalized = await this.invoices.finalize(tx, invoiceId, this.clock.now());
    if (finalized) {
      await this.revenue.recordFinalizedInvoice(tx, invoiceId);
      await this.crm.enqueueInvoice(tx, { id: invoiceId, customerId });
    }
    return finalized;
  }

  /**
   * Finalizes drafts whose period has ended (a draft is only ever left by a
   * process other than this run, which drafts and finalizes in one transaction),
   * with the lines they were drafted with.
   */
  private async finalizeLeftoverDrafts(endedBy: Date, result: BillingRunResult): Promise<number> {
    let finalized = 0;
    let afterId: string | null = null;
    for (;;) {
      const drafts = await this.invoices.draftsEndedBy(endedBy, afterId, BATCH_SIZE);
      for (const draft of drafts) {
        const outcome = await this.attempt(draft.subscriptionId, draft.periodStart, result, () =>
          inTransaction(this.db, async (tx) => {
            await this.invoices.lockCustomer(tx, draft.customerId);
            return this.finalize(tx, draft.id, draft.customerId);
          }),
        );
        if (outcome !== null && outcome !== 'failed') finalized += 1;
      }
      if (drafts.length < BATCH_SIZE) return finalized;
      afterId = drafts[drafts.length - 1].id;
    }
  }

  /** Runs one invoice's work; a failure is logged and reported, and the run goes on. */
  private async attempt<T>(
    subscriptionId: string,
    periodStart: Date,
    result: BillingRunResult,
    work: () => Promise<T>,
  ): Promise<T | 'failed'> {
    try {
      return await work();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.logger.error(
        `billing subscription ${subscriptionId} for the period from ${periodStart.toISOString()} failed: ${message}`,
      );
      result.failures.push({ subscriptionId, periodStart, message });
      return 'failed';
    }
  }
}
