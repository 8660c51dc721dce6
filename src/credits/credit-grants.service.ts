import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { currentServiceInterval } from '../common/billing-schedule';
import { alignToHours } from '../common/hour-alignment';
import { CreditLedgerRepository } from './credit-ledger.repository';
import { grantLotsForIntervals, NewGrantLot } from './grant-lots';
import { GrantSubscriptionsRepository, SubscriptionGrants } from './grant-subscriptions.repository';

/** Subscriptions per round trip: one read and one insert of their lots. */
const PAGE_SIZE = 500;

/** Issues plan credit grants as service intervals begin. */
@Injectable()
export class CreditGrantsService {
  constructor(
    private readonly db: DataSource,
    private readonly subscriptions: GrantSubscriptionsRepository,
    private readonly ledger: CreditLedgerRepository,
  ) {}

  /**
   * Issues, for every subscription running at `now` whose plan grants credit,
   * the lots of the service interval containing `now`. Lots already issued are
   * left alone by the ledger's unique key, so this may run any number of times,
   * on several replicas at once.
   */
  async issueDueGrants(now: Date): Promise<void> {
    let afterId: string | null = null;
    for (;;) {
      const page = await this.subscriptions.runningWithGrants(this.db, now, afterId, PAGE_SIZE);
      await this.ledger.issueGrantLots(
        this.db,
        page.flatMap((subscription) => lotsOfCurrentInterval(subscription, now)),
      );
      if (page.length < PAGE_SIZE) return;
      afterId = page[page.length - 1].subscriptionId;
    }
  }
}

/**
 * Service intervals are measured on whole hours, as usage is (hour-alignment.ts),
 * so a lot's validFrom is the interval start the invoice lines carry.
 */
function lotsOfCurrentInterval(subscription: SubscriptionGrants, now: Date): NewGrantLot[] {
  const schedule = alignToHours(subscription.schedule);
  const interval = schedule && currentServiceInterval(schedule, now);
  if (!interval) return [];
  return grantLotsForIntervals({ ...subscription, schedule, intervals: [interval] });
}
