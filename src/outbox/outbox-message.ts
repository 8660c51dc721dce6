export const OUTBOX_CHANNELS = ['email', 'crm'] as const;
export type OutboxChannel = (typeof OUTBOX_CHANNELS)[number];

/**
 * `pending` until delivered (`sent`), deliberately not delivered (`skipped`, e.g.
 * the customer opted out), or given up on (`dead`, replayable by an operator).
 */
export const OUTBOX_STATUSES = ['pending', 'sent', 'skipped', 'dead'] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** What a producer writes, in its own transaction. */
export interface NewOutboxMessage {
  channel: OutboxChannel;
  /** Unique per channel: enqueuing the same key again is a no-op. */
  dedupeKey: string;
  /** Plain JSON; each channel's handler parses it back into its own type. */
  payload: JsonValue;
  /**
   * The record the message overwrites as a whole, and the moment its content
   * describes. Retries reorder deliveries: a message is skipped, not
   * delivered, once a newer one for the same record exists (not dead).
   */
  record?: OutboxRecord;
}

export interface OutboxRecord {
  /** Unique per channel: equal keys overwrite the same thing. */
  key: string;
  at: Date;
}

export interface OutboxMessage extends NewOutboxMessage {
  id: string;
  status: OutboxStatus;
  /** Delivery attempts started, the current one included while it runs. */
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  createdAt: Date;
  sentAt: Date | null;
}
