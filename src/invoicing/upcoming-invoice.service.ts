import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { DomainError, NotFoundError } from '../common/errors';
import { isUuid } from '../common/ids';
import { CreditLedgerRepository } from '../credits/credit-ledger.repository';
import { PrepaidBlockRepository } from '../credits/prepaid-block.repository';
import { BillableSubscription } from './billable-subscription';
import { BillingSubscriptionsRepository } from './billing-subscriptions.repository';
import { BlockPurses } from './block-purses';
import { CreditSnapshot } from './credit-sources';
import { BillingContext, InvoiceBuilder } from './invoice-builder.service';
import { InvoiceDraft } from './invoice-calculator';
import { InvoiceView, upcomingInvoiceView } from './invoice-view';
import { upcomingPeriod } from './subscription-schedule';

export interface InvoicePreview {
  context: BillingContext;
  draft: InvoiceDraft;
}

/**
 * The invoice of the billing period containing now, from the usage so far:
 * what the billing run would produce if no more usage arrived. Reads only (the
 * grants of the open interval are added in memory), so it is safe on every page view.
 */
@Injectable()
export class UpcomingInvoiceService {
  constructor(
    private readonly db: DataSource,
    private readonly subscriptions: BillingSubscriptionsRepository,
    private readonly builder: InvoiceBuilder,
    private readonly ledger: CreditLedgerRepository,
    private readonly clock: Clock,
    private readonly blocks: PrepaidBlockRepository,
  ) {}

  async upcomingInvoice(subscriptionId: string): Promise<InvoiceView> {
    const subscription = isUuid(subscriptionId)
      ? await this.subscriptions.findById(subscriptionId)
      : null;
    if (!subscription) throw new NotFoundError('subscription', subscriptionId);
    const now = this.clock.now();
    const context = await this.context(subscription, now);
    if (!context) {
      throw new DomainError(
        'not_found',
        `subscription '${subscriptionId}' has ended: it has no upcoming invoice`,
      );
    }
    const [lots, issuedGrantKeys, blocks] = await Promise.all([
      this.ledger.availableLots(this.db, subscription.customerId, context.plan.currency),
      this.ledger.issuedGrantKeys(this.db, subscription.customerId, context.period.start),
      BlockPurses.load(this.db, this.blocks, [context]),
    ]);
    const draft = await this.preview(context, new CreditSnapshot(lots, issuedGrantKeys), blocks);
    return upcomingInvoiceView(context, draft);
  }

  /** What the upcoming invoice bills at `now`; null once the subscription has ended. */
  async context(subscription: BillableSubscription, now: Date): Promise<BillingContext | null> {
    const period = upcomingPeriod(subscription, now);
    return period && this.builder.context(subscription, period, now);
  }

  /**
   * The upcoming invoice of a context, drawing on a credit snapshot and block
   * purses that previews of the customer's other subscriptions may share (the
   * caller spends the draft from them).
   */
  preview(
    context: BillingContext,
    credits: CreditSnapshot,
    blocks: BlockPurses,
  ): Promise<InvoiceDraft> {
    return this.builder.build(this.db, context, credits, blocks.of(context));
  }
}
