import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { CustomerListeners } from '../common/customer-listeners.service';
import { NotFoundError, ValidationFailedError } from '../common/errors';
import { startOfHour } from '../common/hour-alignment';
import { isUuid } from '../common/ids';
import { SubscriptionRepository } from '../customers/subscription.repository';
import { inTransaction } from '../database/transaction';
import { CreditNoteView } from './credit-note.repository';
import { CreditNotesService } from './credit-notes.service';
import { EndSubscriptionInput } from './dto/credit-note.schema';

export interface EndedSubscription {
  subscriptionId: string;
  endDate: Date;
  /** One per issued invoice that billed fees in advance for service after the end. */
  creditNotes: CreditNoteView[];
}

/**
 * Ending a subscription early. Licence fees are billed in advance, so an issued
 * invoice may have billed service after the new end: each such invoice gets a
 * credit note for the unused share of those fees (Stripe prorates a cancelled
 * subscription's unused time the same way,
 * https://docs.stripe.com/billing/subscriptions/cancel). Billing then cuts the
 * last period at the end, as for any end date.
 */
@Injectable()
export class SubscriptionEndingsService {
  constructor(
    private readonly db: DataSource,
    private readonly subscriptions: SubscriptionRepository,
    private readonly creditNotes: CreditNotesService,
    private readonly clock: Clock,
    private readonly listeners: CustomerListeners,
  ) {}

  async end(id: string, input: EndSubscriptionInput): Promise<EndedSubscription> {
    if (!isUuid(id)) throw new NotFoundError('subscription', id);
    const { ended, customerId } = await inTransaction(this.db, async (tx) => {
      const subscription = await this.subscriptions.lockById(tx, id);
      if (!subscription) throw new NotFoundError('subscription', id);
      const endDate = input.endDate ?? this.clock.now();
      if (endDate <= subscription.startDate) {
        throw ValidationFailedError.field(
          'endDate',
          `must be after the subscription's start ${subscription.startDate.toISOString()}`,
        );
      }
      if (subscription.endDate !== null && endDate >= subscription.endDate) {
        throw ValidationFailedError.field(
          'endDate',
          `must be before the subscription's end ${subscription.endDate.toISOString()}`,
        );
      }
      await this.subscriptions.setEndDate(tx, id, endDate);
      // Billing measures on whole hours and floors an end (hour-alignment.ts): so does the credit.
      const cut = startOfHour(endDate);
      const creditNotes = await this.creditNotes.creditUnusedFees(tx, id, cut, {
        reason: 'early_end',
        memo: `subscription ended ${endDate.toISOString()}`,
        refundToCredit: input.refundToCredit,
      });
      return {
        ended: { subscriptionId: id, endDate, creditNotes },
        customerId: subscription.customerId,
      };
    });
    this.listeners.changed([customerId]);
    return ended;
  }
}
