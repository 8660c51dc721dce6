import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { CoalescedPasses } from '../common/coalesced-passes';
import { Decimal, ZERO } from '../common/decimal';
import { Interval } from '../common/period';
import { Queryable } from '../database/transaction';
import { EntitlementsService, ReachedQuota } from './entitlements.service';
import { QuotaHit, QuotaHitsRepository } from './quota-hits.repository';
import { calendarWindow } from './quota-window';
import { QuotaInForce, QuotasRepository } from './quotas.repository';

/**
 * The window a hit counts in: the quota's own window, except that a rolling
 * window slides every hour and would count one overload 24 times; its hits
 * count in the calendar window of the same length, so at most one a day or week.
 */
export function hitWindow(quota: QuotaInForce, window: Interval, at: Date): Interval {
  return quota.alignment === 'rolling' && quota.window !== 'interval' && quota.window !== 'hour'
    ? calendarWindow(quota.window, at)
    : window;
}

export function hitOf(
  answer: ReachedQuota,
  customerId: string,
  at: Date,
  refused: Decimal = ZERO,
): QuotaHit {
  const { quota } = answer;
  return {
    subscriptionId: quota.subscriptionId,
    customerId,
    meterId: quota.meterId,
    window: quota.window,
    alignment: quota.alignment,
    hitWindow: hitWindow(quota, answer.window, at),
    kind: quota.kind,
    quantity: quota.quantity,
    hitAt: at,
    peak: answer.used,
    refused,
  };
}

/**
 * Passes start at least this far apart: under steady ingestion (a batch every
 * few milliseconds) the customers of a second's batches go in one pass. A pass
 * per batch took about a tenth of PostgreSQL's time during ingestion with
 * quotas set. A hit is so recorded within about a second.
 */
const PASS_INTERVAL_MS = 1_000;

/**
 * Records the quotas customers reach, after each ingest commits (off the
 * request path, like alert evaluation): the customers whose usage moved are
 * queued, the batches of up to PASS_INTERVAL_MS coalesce into one pass, and
 * every quota found reached is stored once per window.
 */
@Injectable()
export class QuotaHitsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(QuotaHitsService.name);
  private readonly listeners: Array<(customerIds: readonly string[]) => void> = [];
  private readonly passes = new CoalescedPasses({
    intervalMs: PASS_INTERVAL_MS,
    pass: (customerIds) => this.recordReached(customerIds, this.clock.now()),
    failed: (error) => this.logger.error(`recording quota hits failed: ${String(error)}`),
  });

  constructor(
    private readonly entitlements: EntitlementsService,
    private readonly hits: QuotaHitsRepository,
    private readonly quotas: QuotasRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Called with the customers who reached a quota, after their hits are stored
   * (alert rules about quota pressure subscribe; this module needs no import of them).
   */
  onReached(listener: (customerIds: readonly string[]) => void): void {
    this.listeners.push(listener);
  }

  enqueue(customerIds: Iterable<string>): void {
    this.passes.enqueue(customerIds);
  }

  /** Resolves once every customer queued so far has been looked at (tests, shutdown), with no pause. */
  flush(): Promise<void> {
    return this.passes.flush();
  }

  /** Before the database closes: the pass under way, and one for the customers still queued. */
  beforeApplicationShutdown(): Promise<void> {
    return this.flush();
  }

  /** The quotas these customers have reached now, stored as hits. */
  async recordReached(customerIds: readonly string[], now: Date): Promise<void> {
    // A service without quotas pays one small read per pass, not one per customer.
    if ((await this.quotas.quotaMeterIds(customerIds)).size === 0) return;
    const reached = await this.entitlements.reached(customerIds, now);
    if (reached.size === 0) return;
    await this.hits.record(
      [...reached].flatMap(([customerId, answers]) =>
        answers.map((answer) => hitOf(answer, customerId, now)),
      ),
    );
    for (const listener of this.listeners) listener([...reached.keys()]);
  }

  /** Usage that enforcement refused, in the ingest transaction: the window was full. */
  recordRefused(tx: Queryable, hits: readonly QuotaHit[]): Promise<void> {
    return this.hits.record(hits, tx);
  }
}
