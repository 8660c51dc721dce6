import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../common/clock';
import { OutboxHandlers } from './outbox-handlers';
import { PermanentDeliveryError } from './outbox-handler';
import { OutboxMessage } from './outbox-message';
import { OutboxRepository, Settlement } from './outbox.repository';
import { DEFAULT_RETRY_POLICY, retryDelayMs } from './retry-policy';

const BATCH_SIZE = 20;
/**
 * How long a claimed message stays hidden from other workers. Far longer than
 * a delivery may take (the SMTP timeouts are well under it), so only a worker
 * that died mid-delivery loses its messages to another.
 */
const CLAIM_LEASE_MS = 5 * 60_000;
const MAX_ERROR_LENGTH = 2000;

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
  ) {}

  /** Delivers batches until no message is due; what tests and the scheduler call. */
  async drain(): Promise<DrainReport> {
    const report: DrainReport = { sent: 0, skipped: 0, retrying: 0, dead: 0 };
    const channels = this.handlers.channels();
    if (channels.length === 0) return report;
    for (;;) {
      const now = this.clock.now();
      const leaseUntil = new Date(now.getTime() + CLAIM_LEASE_MS);
      const batch = await this.messages.claimDue(channels, BATCH_SIZE, now, leaseUntil);
      if (batch.length === 0) return report;
      for (const settlement of await Promise.all(batch.map((m) => this.deliver(m)))) {
        report[settlement.status === 'pending' ? 'retrying' : settlement.status] += 1;
      }
    }
  }

  private async deliver(message: OutboxMessage): Promise<Settlement> {
    const settlement = await this.attempt(message);
    if (!(await this.messages.settle(message.id, message.attempts, settlement))) {
      this.logger.warn(`outbox message ${message.id} was claimed again before it settled`);
    }
    return settlement;
  }

  private async attempt(message: OutboxMessage): Promise<Settlement> {
    try {
      const outcome = await this.handlers.get(message.channel).deliver(message);
      return outcome.status === 'sent'
        ? { status: 'sent', at: this.clock.now() }
        : { status: 'skipped', reason: outcome.reason };
    } catch (failure) {
      const error = errorText(failure);
      const permanent = failure instanceof PermanentDeliveryError;
      if (permanent || message.attempts >= DEFAULT_RETRY_POLICY.maxAttempts) {
        this.logger.error(`outbox message ${message.id} is dead: ${error}`);
        return { status: 'dead', error };
      }
      const delay = retryDelayMs(message.attempts, DEFAULT_RETRY_POLICY);
      return { status: 'pending', error, retryAt: new Date(this.clock.now().getTime() + delay) };
    }
  }
}

function errorText(failure: unknown): string {
  const text = failure instanceof Error ? failure.message : String(failure);
  return text.slice(0, MAX_ERROR_LENGTH);
}
