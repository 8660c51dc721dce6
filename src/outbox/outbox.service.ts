import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ConflictError, NotFoundError } from '../common/errors';
import { isUuid } from '../common/ids';
import { Queryable } from '../database/transaction';
import { OutboxQuery } from './dto/outbox-query.schema';
import { NewOutboxMessage, OutboxChannel, OutboxMessage } from './outbox-message';
import { OutboxRepository } from './outbox.repository';

export interface OutboxPage {
  messages: OutboxMessage[];
  nextCursor: string | null;
}

/** Writing messages (in the producer's transaction) and the operators' view of them. */
@Injectable()
export class OutboxService {
  constructor(
    private readonly messages: OutboxRepository,
    private readonly clock: Clock,
  ) {}

  /** Enqueues in the caller's transaction, due now; idempotent on (channel, dedupeKey). */
  enqueue(db: Queryable, message: NewOutboxMessage): Promise<void> {
    return this.messages.insert(db, message, this.clock.now());
  }

  /** Whether any message of the channel with one of these keys was ever enqueued. */
  anyEnqueued(channel: OutboxChannel, dedupeKeys: readonly string[]): Promise<boolean> {
    return this.messages.anyEnqueued(channel, dedupeKeys);
  }

  async list(query: OutboxQuery): Promise<OutboxPage> {
    // One row more than asked tells whether another page exists.
    const rows = await this.messages.list(query, query.limit + 1, query.cursor);
    const messages = rows.slice(0, query.limit);
    const hasMore = rows.length > query.limit;
    return { messages, nextCursor: hasMore ? messages[messages.length - 1].id : null };
  }

  /** One message, or null (also for an id that cannot be one). */
  find(id: string): Promise<OutboxMessage | null> {
    return isUuid(id) ? this.messages.findById(id) : Promise.resolve(null);
  }

  /** Sends a dead message again, with a fresh set of attempts. */
  async replay(id: string): Promise<OutboxMessage> {
    if (!isUuid(id)) throw new NotFoundError('outbox message', id);
    const revived = await this.messages.revive(id, this.clock.now());
    if (revived) return revived;
    const message = await this.messages.findById(id);
    if (!message) throw new NotFoundError('outbox message', id);
    throw new ConflictError(
      `only dead messages can be replayed; outbox message '${id}' is ${message.status}`,
    );
  }
}
