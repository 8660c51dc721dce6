import { OutboxMessage } from '../outbox-message';

export function toOutboxMessageResponse(message: OutboxMessage) {
  return {
    id: message.id,
    channel: message.channel,
    dedupeKey: message.dedupeKey,
    status: message.status,
    attempts: message.attempts,
    nextAttemptAt: message.nextAttemptAt.toISOString(),
    lastError: message.lastError,
    createdAt: message.createdAt.toISOString(),
    sentAt: message.sentAt?.toISOString() ?? null,
    payload: message.payload,
  };
}

export type OutboxMessageResponse = ReturnType<typeof toOutboxMessageResponse>;
