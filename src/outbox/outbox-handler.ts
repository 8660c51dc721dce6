import { OutboxChannel, OutboxMessage } from './outbox-message';

/** What a handler concluded: delivered, or deliberately not delivered and why. */
export type DeliveryOutcome = { status: 'sent' } | { status: 'skipped'; reason: string };

/**
 * Delivers the messages of one channel. Throwing schedules a retry, except a
 * PermanentDeliveryError, which retrying cannot fix.
 */
export interface OutboxHandler {
  readonly channel: OutboxChannel;
  deliver(message: OutboxMessage): Promise<DeliveryOutcome>;
}

/** A failure the same message would meet again (a malformed payload, a rejected address): dead at once. */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}
