import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Queryable } from '../database/transaction';
import {
  JsonValue,
  NewOutboxMessage,
  OutboxChannel,
  OutboxMessage,
  OutboxStatus,
} from './outbox-message';

/** How a delivery attempt ended, as it is written back to the message. */
export type Settlement =
  | { status: 'sent'; at: Date }
  | { status: 'skipped'; reason: string }
  | { status: 'pending'; error: string; retryAt: Date; refundAttempt?: boolean }
  | { status: 'dead'; error: string };

export interface OutboxFilter {
  channel?: OutboxChannel;
  status?: OutboxStatus;
}

interface OutboxRow {
  id: string;
  channel: OutboxChannel;
  dedupe_key: string;
  payload: JsonValue;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  created_at: Date;
  sent_at: Date | null;
}

const COLUMNS =
  'id, channel, dedupe_key, payload, status, attempts, next_attempt_at, last_error, created_at, sent_at';

function toMessage(row: OutboxRow): OutboxMessage {
  return {
    id: row.id,
    channel: row.channel,
    dedupeKey: row.dedupe_key,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    createdAt: row.created_at,
    sentAt: row.sent_at,
  };
}

@Injectable()
export class OutboxRepository {
  constructor(private readonly db: DataSource) {}

  /** Inserts in the caller's transaction; a second message with the same key is ignored. */
  async insert(db: Queryable, message: NewOutboxMessage, now: Date): Promise<void> {
    await db.query(
      `INSERT INTO outbox_messages
         (channel, dedupe_key, payload, next_attempt_at, created_at, record_key, record_at)
       VALUES ($1, $2, $3::jsonb, $4, $4, $5, $6)
       ON CONFLICT (channel, dedupe_key) DO NOTHING`,
      [
        message.channel,
        message.dedupeKey,
        JSON.stringify(message.payload),
        now,
        message.record?.key ?? null,
        message.record?.at ?? null,
      ],
    );
  }

  /**
   * Claims up to `limit` due messages for one attempt each: counts the attempt
   * and hides the message until `leaseUntil`. SKIP LOCKED lets replicas claim
   * side by side without waiting for or taking each other's rows; the lease
   * brings a message back if its worker dies mid-delivery.
   */
  async claimDue(
    channels: OutboxChannel[],
    limit: number,
    now: Date,
    leaseUntil: Date,
  ): Promise<OutboxMessage[]> {
    const rows: OutboxRow[] = await this.db.query(
      `WITH due AS (
         SELECT id FROM outbox_messages
         WHERE status = 'pending' AND next_attempt_at <= $1 AND channel = ANY($2::text[])
         ORDER BY next_attempt_at, id
         LIMIT $3
         FOR UPDATE SKIP LOCKED
       ), claimed AS (
         UPDATE outbox_messages m SET attempts = m.attempts + 1, next_attempt_at = $4
         FROM due WHERE m.id = due.id
         RETURNING m.*
       )
       SELECT * FROM claimed`,
      [now, channels, limit, leaseUntil],
    );
    return rows.map(toMessage);
  }

  /**
   * Which of these messages a newer message for the same record supersedes:
   * one with a later `record_at` (or written later at the same moment), pending, sent
   * or skipped. A dead one does not count: it may never be delivered.
   */
  async superseded(ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT m.id FROM outbox_messages m
       WHERE m.id = ANY($1::uuid[]) AND m.record_key IS NOT NULL
         AND EXISTS (
           SELECT 1 FROM outbox_messages n
           WHERE n.channel = m.channel AND n.record_key = m.record_key
             AND n.record_at >= m.record_at AND n.status <> 'dead'
             AND (n.record_at, n.seq) > (m.record_at, m.seq))`,
      [ids],
    );
    return new Set(rows.map((row) => row.id));
  }

  /**
   * Records the end of attempt number `attempt`. It only applies while that
   * attempt still holds the message, so a worker whose lease ran out cannot
   * overwrite the outcome of the one that took over; false when it did not apply.
   */
  async settle(id: string, attempt: number, settlement: Settlement): Promise<boolean> {
    const rows: Array<{ id: string }> = await this.db.query(
      `WITH settled AS (
         UPDATE outbox_messages
         SET status = $3, last_error = $4,
             next_attempt_at = COALESCE($5, next_attempt_at), sent_at = $6,
             attempts = attempts - $7::int
         WHERE id = $1 AND attempts = $2 AND status = 'pending'
         RETURNING id
       )
       SELECT id FROM settled`,
      [
        id,
        attempt,
        settlement.status,
        whyNotSent(settlement),
        settlement.status === 'pending' ? settlement.retryAt : null,
        settlement.status === 'sent' ? settlement.at : null,
        settlement.status === 'pending' && settlement.refundAttempt ? 1 : 0,
      ],
    );
    return rows.length > 0;
  }

  /** Whether any message of the channel with one of these keys was ever enqueued (sent ones are kept). */
  async anyEnqueued(channel: OutboxChannel, dedupeKeys: readonly string[]): Promise<boolean> {
    const [row]: Array<{ found: boolean }> = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM outbox_messages WHERE channel = $1 AND dedupe_key = ANY($2::text[])) AS found`,
      [channel, dedupeKeys],
    );
    return row.found;
  }

  async findById(id: string): Promise<OutboxMessage | null> {
    const rows: OutboxRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM outbox_messages WHERE id = $1`,
      [id],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }

  /** Up to `limit` messages after the message `afterId`, oldest first. */
  async list(
    filter: OutboxFilter,
    limit: number,
    afterId: string | undefined,
  ): Promise<OutboxMessage[]> {
    const rows: OutboxRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM outbox_messages
       WHERE ($1::text IS NULL OR status = $1)
         AND ($2::text IS NULL OR channel = $2)
         AND ($3::uuid IS NULL
              OR (created_at, id) > (SELECT created_at, id FROM outbox_messages WHERE id = $3))
       ORDER BY created_at, id
       LIMIT $4`,
      [filter.status ?? null, filter.channel ?? null, afterId ?? null, limit],
    );
    return rows.map(toMessage);
  }

  /** Gives a dead message a fresh set of attempts, due now; null when it is not dead. */
  async revive(id: string, now: Date): Promise<OutboxMessage | null> {
    const rows: OutboxRow[] = await this.db.query(
      `WITH revived AS (
         UPDATE outbox_messages SET status = 'pending', attempts = 0, next_attempt_at = $2
         WHERE id = $1 AND status = 'dead'
         RETURNING ${COLUMNS}
       )
       SELECT * FROM revived`,
      [id, now],
    );
    return rows[0] ? toMessage(rows[0]) : null;
  }
}

/** What last_error keeps: why the message was not delivered, if it was not. */
function whyNotSent(settlement: Settlement): string | null {
  switch (settlement.status) {
    case 'sent':
      return null;
    case 'skipped':
      return settlement.reason;
    case 'pending':
    case 'dead':
      return settlement.error;
  }
}
