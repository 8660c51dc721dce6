import { DataSource } from 'typeorm';
import { Decimal } from '../../src/common/decimal';
import { inTransaction } from '../../src/database/transaction';
import { EmailMessage } from '../../src/notifications/email-message';
import { NotificationsService } from '../../src/notifications/notifications.service';
import { OutboxMessageResponse } from '../../src/outbox/dto/outbox-message.response';
import { OutboxWorker } from '../../src/outbox/outbox-worker.service';
import { createCustomer, CustomerBody, uniqueKey } from '../support/factories';
import { TestApp } from '../support/test-app';

/** What the notification e2e tests need from the app: enqueue as a producer would, drain as the scheduler would. */
export class NotificationFixtures {
  readonly db: DataSource;
  readonly worker: OutboxWorker;
  readonly notifications: NotificationsService;

  constructor(private readonly t: TestApp) {
    this.db = t.app.get(DataSource);
    this.worker = t.app.get(OutboxWorker);
    this.notifications = t.app.get(NotificationsService);
  }

  /** A customer and their internal id, which producers (alerts) hold. */
  async customer(overrides: Partial<CustomerBody> = {}) {
    const customer = await createCustomer(this.t, overrides);
    const [row]: Array<{ id: string }> = await this.db.query(
      'SELECT id FROM customers WHERE external_id = $1',
      [customer.externalId],
    );
    return { ...customer, id: row.id };
  }

  /** Enqueues in a transaction of its own, as a producer would in the one storing its alert. */
  enqueue(message: EmailMessage): Promise<void> {
    return inTransaction(this.db, (tx) => this.notifications.enqueueEmail(tx, message));
  }

  /** The outbox row of a dedupe key, as the operators' endpoint lists it. */
  async outboxMessage(dedupeKey: string): Promise<OutboxMessageResponse> {
    const response = await this.t.admin.get('/v1/outbox?channel=email&limit=200');
    const found = (response.body.data as OutboxMessageResponse[]).find(
      (message) => message.dedupeKey === dedupeKey,
    );
    if (!found) throw new Error(`no outbox message with dedupe key ${dedupeKey}`);
    return found;
  }
}

/**
 * An 80 % warning: 850 000 of 1 000 000 tokens used, a bill projected at
 * 1 250.50 EUR, the limit projected for 20 March 2026.
 */
export function thresholdEmail(customerId: string, dedupeKey = uniqueKey('alert')): EmailMessage {
  return {
    dedupeKey,
    customerId,
    template: 'usage_threshold',
    critical: false,
    data: {
      meter: { name: 'GPT-4o tokens', unit: 'tokens' },
      usage: new Decimal('850000'),
      limit: new Decimal('1000000'),
      currency: 'EUR',
      projectedBill: new Decimal('1250.50'),
      limitReachedAt: new Date('2026-03-20T10:00:00Z'),
      intervalEnd: new Date('2026-04-01T00:00:00Z'),
      thresholdPercent: 80,
    },
  };
}

/** The 100 % e-mail, critical: sent even to customers who opted out of warnings. */
export function limitReachedEmail(
  customerId: string,
  dedupeKey = uniqueKey('alert'),
): EmailMessage {
  const warning = thresholdEmail(customerId, dedupeKey);
  return {
    dedupeKey,
    customerId,
    template: 'usage_limit_reached',
    critical: true,
    data: {
      ...warning.data,
      usage: new Decimal('1000000'),
      limitReachedAt: new Date('2026-03-15T11:00:00Z'),
    },
  };
}
