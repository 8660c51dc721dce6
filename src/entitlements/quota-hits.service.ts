import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { Decimal, ZERO } from '../common/decimal';
import { Interval } from '../common/period';
import { Queryable } from '../database/transaction';
import { EntitlementsService, QuotaAnswer } from './entitlements.service';
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
  answer: Pick<QuotaAnswer, 'quota' | 'window' | 'used'>,
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
 * Records the quotas customers reach, after each ingest commits (off the
 * request path, like alert evaluation): the customers whose usage moved are
 * queued, a burst of batches coalesces into one pass each, and every quota
 * found reached is stored once per window.
 */
@Injectable()
export class QuotaHitsService {
  private readonly logger = new Logger(QuotaHitsService.name);
  private readonly pending = new Set<string>();
  private readonly listeners: Array<(customerIds: readonly string[]) => void> = [];
  private draining: Promise<void> | null = null;

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
    for (const id of customerIds) this.pending.add(id);
    if (!this.draining) this.draining = this.drainQueue();
  }

  /** Resolves once every customer queued so far has been looked at (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** The quotas these customers have reached now, stored as hits. */
  async recordReached(customerIds: readonly string[], now: Date): Promise<void> {
    // A service without quotas pays one small read per pass, not one per customer.
    if ((await this.quotas.quotaMeterIds(customerIds)).size === 0) return;
    const reachedBy: string[] = [];
    for (const customerId of customerIds) {
      const meters = await this.entitlements.evaluate(customerId, now);
      const reached = meters.flatMap((meter) => meter.quotas.filter((quota) => quota.exceeded));
      if (reached.length === 0) continue;
      await this.hits.record(reached.map((answer) => hitOf(answer, customerId, now)));
      reachedBy.push(customerId);
    }
    if (reachedBy.length > 0) for (const listener of this.listeners) listener(reachedBy);
  }

  /** Usage that enforcement refused, in the ingest transaction: the window was full. */
  recordRefused(tx: Queryable, hits: readonly QuotaHit[]): Promise<void> {
    return this.hits.record(hits, tx);
  }

  private async drainQueue(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.pending.size > 0) {
        const customerIds = [...this.pending];
        this.pending.clear();
        await this.recordReached(customerIds, this.clock.now()).catch((error: unknown) =>
          this.logger.error(`recording quota hits failed: ${String(error)}`),
        );
      }
    } finally {
      this.draining = null;
    }
  }
}
