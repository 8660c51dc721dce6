import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { Queryable } from '../database/transaction';
import { OutboxService } from '../outbox/outbox.service';
import { EmailMessage, emailPayloadSchema } from './email-message';

/** What other modules call to e-mail a customer. */
@Injectable()
export class NotificationsService {
  constructor(private readonly outbox: OutboxService) {}

  /**
   * Enqueues an e-mail in the caller's transaction, so it is sent if and only if
   * that transaction commits; idempotent on `dedupeKey`. Rendering happens at
   * delivery, in the customer's locale of that moment.
   */
  async enqueueEmail(db: Queryable, message: EmailMessage): Promise<void> {
    const { dedupeKey, ...payload } = message;
    await this.outbox.enqueue(db, {
      channel: 'email',
      dedupeKey,
      payload: z.encode(emailPayloadSchema, payload),
    });
  }
}
