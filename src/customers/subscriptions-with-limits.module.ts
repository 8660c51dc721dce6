import { Module } from '@nestjs/common';
import { SubscriptionsWithLimitsRepository } from './subscriptions-with-limits.repository';

/** The customers module's read of subscriptions with their plan version's limits, for metering and forecasting. */
@Module({
  providers: [SubscriptionsWithLimitsRepository],
  exports: [SubscriptionsWithLimitsRepository],
})
export class SubscriptionsWithLimitsModule {}
