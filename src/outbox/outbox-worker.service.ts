import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { ShutdownService } from '../common/shutdown.service';
import { OutboxHandlers } from './outbox-handlers.service';
import {
  BatchOutcome,
  DeferredDeliveryError,
  DeliveryOutcome,
  OutboxHandler,
  PermanentDeliveryError,
} from './outbox-handler';
import { OutboxChannel, OutboxMessage } from './outbox-message';
import { OutboxRepository, Settlement } from './outbox.repository';
import { retryDelayMs } from './retry-policy';

const BATCH_SIZE = 20;
/** A batching channel's claim when its handler names no size. */
const MAX_CHANNEL_BATCH = 100;
/**
 * How long a claimed message stays hidden from other workers. Far longer than
 * a delivery may take (the SMTP timeouts are well under it), so only a worker
 * that died mid-delivery loses its messages to another.
 */
const CLAIM_LEASE_MS = 5 * 60_000;
const MAX_ERROR_LENGTH = 2000;
const SUPERSEDED = 'superseded by a newer message for the same record';

export interface DrainReport {
  sent: number;
  skipped: number;
  retrying: number;
  dead: number;
}

/**
 * Delivers due outbox messages through their channel's handler. Safe to run
 * on several replicas at once: each message is claimed by one of them.
 */
@Injectable()
export class OutboxWorker {
  private readonly logger = new Logger('Outbox');

  constructor(
    private readonly messages: OutboxRepository,
    private readonly handlers: OutboxHandlers,
    private readonly clock: Clock,
    private readonly shutdown: ShutdownService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Delivers batches until no message is due, or until the replica is
   * shutting down (it claims no more, and settles what it holds); what tests
   * and the scheduler call.
   */
  async drain(): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, skipped: 0, retrying: 0, dead: 0 };
    const channels = this.handlers.channels();
    const batched = channels.filter((channel) => this.handlers.get(channel).deliverBatch);
    const single = channels.filter((channel) => !batched.includes(channel));
    while (!this.shutdown.stopping) {
      const settlements: Settlement[] = [];
      if (single.length > 0) {
        const batch = await this.claimCurrent(single, BATCH_SIZE, settlements);
        settlements.push(...(await Promise.all(batch.map((m) => this.deliver(m)))));
      }
      for (const channel of batched) {
        settlements.push(...(await this.deliverBatch(this.handlers.get(channel))));
      }
      if (settlements.length === 0) return report;
      for (const settlement of settlements) {
        report[settlement.status === 'pending' ? 'retrying' : settlement.status] += 1;
      }
    }
    return report;
  }

  /**
   * Claims due messages and settles at once, as skipped, those a newer
   * message for the same record supersedes (their settlements join
   * `settlements`): delivered now, they would overwrite newer content.
   */
  private async claimCurrent(
    channels: OutboxChannel[],
    limit: number,
    settlements: Settlement[],
  ): Promise<OutboxMessage[]> {
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + CLAIM_LEASE_MS);
    const batch = await this.messages.claimDue(channels, limit, now, leaseUntil);
    const superseded = await this.messages.superseded(batch.map((m) => m.id));
    for (const message of batch.filter((m) => superseded.has(m.id))) {
      const settlement: Settlement = { status: 'skipped', reason: SUPERSEDED };
      await this.settle(message, settlement);
      settlements.push(settlement);
    }
    return batch.filter((m) => !superseded.has(m.id));
  }

  private async deliver(message: OutboxMessage): Promise<Settlement> {
    const settlement = await this.attempt(message);
    await this.settle(message, settlement);
    return settlement;
  }

  /** One claim of a batching channel, handed to its handler in one call. */
  private async deliverBatch(handler: OutboxHandler): Promise<Settlement[]> {
    const skipped: Settlement[] = [];
    const limit = handler.batchSize ?? MAX_CHANNEL_BATCH;
    const batch = await this.claimCurrent([handler.channel], limit, skipped);
    if (batch.length === 0) return skipped;
    let outcomes: Map<string, BatchOutcome>;
    try {
      outcomes = await handler.deliverBatch!(batch);
    } catch (failure) {
      outcomes = new Map(batch.map((m) => [m.id, { status: 'failed', error: failure }]));
    }
    const settled = await Promise.all(
      batch.map(async (message) => {
        const outcome = outcomes.get(message.id) ?? {
          status: 'failed',
          error: new Error('the handler gave no outcome for this message'),
        };
        const settlement =
          outcome.status === 'failed'
            ? this.failed(message, outcome.error)
            : this.delivered(outcome);
        await this.settle(message, settlement);
        return settlement;
      }),
    );
    return [...skipped, ...settled];
  }

  private async settle(message: OutboxMessage, settlement: Settlement): Promise<void> {
    if (!(await this.messages.settle(message.id, message.attempts, settlement))) {
      this.logger.warn(`outbox message ${message.id} was claimed again before it settled`);
    }
  }

  private async attempt(message: OutboxMessage): Promise<Settlement> {
    try {
      return this.delivered(await this.handlers.get(message.channel).deliver(message));
    } catch (failure) {
      return this.failed(message, failure);
    }
  }

  private delivered(outcome: DeliveryOutcome): Settlement {
    return outcome.status === 'sent'
      ? { status: 'sent', at: this.clock.now() }
      : { status: 'skipped', reason: outcome.reason };
  }

  private failed(message: OutboxMessage, failure: unknown): Settlement {
    const error = errorText(failure);
    const now = this.clock.now().getTime();
    if (failure instanceof DeferredDeliveryError) {
      return {
        status: 'pending',
        error,
        retryAt: new Date(now + failure.retryAfterMs),
        refundAttempt: true,
      };
    }
    const policy = this.config.outboxRetry;
    const permanent = failure instanceof PermanentDeliveryError;
    if (permanent || message.attempts >= policy.maxAttempts) {
      this.logger.error(`outbox message ${message.id} is dead: ${error}`);
      return { status: 'dead', error };
    }
    const delay = retryDelayMs(message.attempts, policy);
    return { status: 'pending', error, retryAt: new Date(now + delay) };
  }
}

function errorText(failure: unknown): string {
  const text = failure instanceof Error ? failure.message : String(failure);
  return text.slice(0, MAX_ERROR_LENGTH);
}
