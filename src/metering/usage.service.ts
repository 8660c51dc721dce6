import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { CustomerRepository } from '../customers/customer.repository';
import { SubscriptionsWithLimitsRepository } from '../customers/subscriptions-with-limits.repository';
import { NotFoundError } from '../common/errors';
import { currentServiceInterval } from '../common/billing-schedule';
import { alignToHours } from '../common/hour-alignment';
import { MeterUsageReport, reportMeters } from './usage-report';
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
    private readonly customers: CustomerRepository,
    private readonly subscriptions: SubscriptionsWithLimitsRepository,
    private readonly clock: Clock,
  ) {}

  async currentUsage(customerExternalId: string): Promise<SubscriptionUsage[]> {
    const customer = await this.customers.findByExternalId(customerExternalId);
    if (customer === null) throw new NotFoundError('customer', customerExternalId);
    const customerId = customer.id;
    const now = this.clock.now();
    const report: SubscriptionUsage[] = [];
    for (const subscription of await this.subscriptions.running([customerId], now)) {
      const schedule = alignToHours(subscription.schedule);
      const interval = schedule && currentServiceInterval(schedule, now);
      if (!interval) continue;
      const usage = await aggregateUsage(this.db, {
        customerId,
        from: interval.start,
        to: interval.end,
      });
      report.push({
        subscriptionId: subscription.subscriptionId,
        intervalStart: interval.start,
        intervalEnd: interval.end,
        meters: reportMeters(usage, subscription.limits),
      });
    }
    return report;
  }
}
