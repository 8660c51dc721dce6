import { OutboxChannel, OutboxMessage } from './outbox-message';

/** What a handler concluded: delivered, or deliberately not delivered and why. */
export type DeliveryOutcome = { status: 'sent' } | { status: 'skipped'; reason: string };

/** One message's outcome within a batch: as for one message, or the error it failed with. */
export type BatchOutcome = DeliveryOutcome | { status: 'failed'; error: unknown };

/**
 * Delivers the messages of one channel. Throwing schedules a retry, except a
 * PermanentDeliveryError, which retrying cannot fix.
 */
export interface OutboxHandler {
  readonly channel: OutboxChannel;
  deliver(message: OutboxMessage): Promise<DeliveryOutcome>;
  /**
   * When present, the worker claims up to `batchSize` messages of the channel at
   * once and hands them over together (a CRM takes 100 records a call). Answers
   * an outcome per message id; a message left out, or a throw, counts as failed.
   */
  deliverBatch?(messages: readonly OutboxMessage[]): Promise<Map<string, BatchOutcome>>;
  readonly batchSize?: number;
}

/** A failure the same message would meet again (a malformed payload, a rejected address): dead at once. */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/**
 * The receiver asked us to come back later (HTTP 429 with Retry-After): retried
 * after that delay, and the attempt is not counted, since nothing failed.
 */
export class DeferredDeliveryError extends Error {
  constructor(
    readonly retryAfterMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'DeferredDeliveryError';
  }
}
