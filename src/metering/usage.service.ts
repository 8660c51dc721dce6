import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { NotFoundError } from '../common/errors';
import { currentServiceInterval } from '../common/billing-schedule';
import { alignToHours } from '../common/hour-alignment';
import { MeterUsageReport, reportMeters } from './usage-report';
import { UsageSubscriptionsRepository } from './usage-subscriptions.repository';
import { aggregateUsage } from './usage.repository';

export interface SubscriptionUsage {
  subscriptionId: string;
  intervalStart: Date;
  intervalEnd: Date;
  meters: MeterUsageReport[];
}

/** Period-to-date usage of a customer: the current service interval of each active subscription. */
@Injectable()
export class UsageService {
  constructor(
    private readonly db: DataSource,
    private readonly subscriptions: UsageSubscriptionsRepository,
    private readonly clock: Clock,
  ) {}

  async currentUsage(customerExternalId: string): Promise<SubscriptionUsage[]> {
    const customerId = await this.subscriptions.findCustomerId(customerExternalId);
    if (customerId === null) throw new NotFoundError('customer', customerExternalId);
    const now = this.clock.now();
    const report: SubscriptionUsage[] = [];
    for (const subscription of await this.subscriptions.activeSubscriptions(customerId, now)) {
      const schedule = alignToHours(subscription.schedule);
      const interval = schedule && currentServiceInterval(schedule, now);
      if (!interval) continue;
      const usage = await aggregateUsage(this.db, {
        customerId,
        from: interval.start,
        to: interval.end,
      });
      report.push({
        subscriptionId: subscription.id,
        intervalStart: interval.start,
        intervalEnd: interval.end,
        meters: reportMeters(usage, subscription.limits),
      });
    }
    return report;
  }
}
