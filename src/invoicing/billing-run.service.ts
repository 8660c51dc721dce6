import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { RevenueRecorder } from '../analytics/ledger/revenue-recorder.service';
import { Clock } from '../common/clock';
import { ValidationFailedError } from '../common/errors';
import { ShutdownService } from '../common/shutdown.service';
import { AppConfig } from '../config/app-config';
import { CrmOutbox } from '../crm/crm-outbox.service';
import { inTransaction } from '../database/transaction';
import { RollupSealRepository } from '../metering/rollup-seal.repository';
import { BillableSubscription } from './billable-subscription';
import { chunksOf } from './billing-chunks';
import { BillingSubscriptionsRepository } from './billing-subscriptions.repository';
import { ChunkRound, ChunkRoundFailed, InvoiceChunkService } from './invoice-chunk.service';
import { InvoiceRepository } from './invoice.repository';

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

/**
 * Invoices every billing period that ended at least the grace period before
 * `asOf`, and finalizes it: chunks of subscriptions, each round of a chunk (the
 * next period of each of its subscriptions) in one transaction
 * (invoice-chunk.service.ts).
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

  constructor(
    private readonly db: DataSource,
    private readonly subscriptions: BillingSubscriptionsRepository,
    private readonly invoices: InvoiceRepository,
    private readonly chunks: InvoiceChunkService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly revenue: RevenueRecorder,
    private readonly crm: CrmOutbox,
    private readonly shutdown: ShutdownService,
    private readonly rollupSeal: RollupSealRepository,
  ) {}

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
    // The months being billed read from the monthly rollups once their hours are folded.
    await this.rollupSeal.sealBefore(now);
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
      for (const chunk of chunksOf(batch, this.config.billingChunkSize)) {
        // A replica shutting down claims no more subscriptions: the next run bills them.
        if (this.shutdown.stopping) return result;
        await this.billChunk(
          chunk.map(({ subscription }) => subscription),
          billedUntil,
          result,
        );
      }
      if (batch.length < BATCH_SIZE) break;
      afterId = batch[batch.length - 1].subscription.id;
    }
    result.invoicesFinalized += await this.finalizeLeftoverDrafts(billedUntil, result);
    return result;
  }

  /**
   * Bills every due period of the chunk's subscriptions, a round (the next
   * period of each) per transaction. A round that fails wrote nothing; its
   * subscriptions are then billed one by one, so one failing invoice is reported
   * alone and holds back only its own subscription's later periods.
   */
  private async billChunk(
    chunk: readonly BillableSubscription[],
    billedUntil: Date,
    result: BillingRunResult,
  ): Promise<void> {
    let pending = chunk;
    while (pending.length > 0 && !this.shutdown.stopping) {
      let round: ChunkRound;
      try {
        round = await this.chunks.billNextPeriods(pending, billedUntil);
      } catch (error) {
        if (pending.length > 1) {
          for (const subscription of pending)
            await this.billChunk([subscription], billedUntil, result);
        } else {
          // A round that failed before it knew the period (say, a lost connection) is reported at the subscription's start.
          const periodStart =
            error instanceof ChunkRoundFailed && error.periods.length > 0
              ? error.periods[0].period.start
              : pending[0].start;
          this.reportFailure(pending[0].id, periodStart, error, result);
        }
        return;
      }
      result.invoicesCreated += round.created;
      result.invoicesFinalized += round.created;
      result.subscriptionsSkipped += round.claimedElsewhere.length;
      pending = round.billed
        .filter(({ moreDue }) => moreDue)
        .map(({ subscription }) => subscription);
    }
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
            const invoices = await this.invoices.finalize(tx, [draft], this.clock.now());
            await this.revenue.recordFinalizedInvoices(tx, invoices);
            await this.crm.enqueueInvoices(tx, invoices);
            return invoices[0] ?? null;
          }),
        );
        if (outcome !== null && outcome !== 'failed') finalized += 1;
      }
      if (drafts.length < BATCH_SIZE) return finalized;
      afterId = drafts[drafts.length - 1].id;
    }
  }

  /** Runs one invoice's work; a failure is reported, and the run goes on. */
  private async attempt<T>(
    subscriptionId: string,
    periodStart: Date,
    result: BillingRunResult,
    work: () => Promise<T>,
  ): Promise<T | 'failed'> {
    try {
      return await work();
    } catch (error) {
      this.reportFailure(subscriptionId, periodStart, error, result);
      return 'failed';
    }
  }

  private reportFailure(
    subscriptionId: string,
    periodStart: Date,
    error: unknown,
    result: BillingRunResult,
  ): void {
    const message = error instanceof Error ? error.message : String(error);
    this.logger.error(
      `billing subscription ${subscriptionId} for the period from ${periodStart.toISOString()} failed: ${message}`,
    );
    result.failures.push({ subscriptionId, periodStart, message });
  }
}
