import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { SubscriptionsWithLimitsModule } from '../customers/subscriptions-with-limits.module';
import { BillingUsageRepository } from './billing-usage.repository';
import { DailyUsageRepository } from './daily-usage.repository';
import { EventPartitionsRepository } from './event-partitions.repository';
import { EventRetentionService } from './event-retention.service';
import { EventsController } from './events.controller';
import { IngestParticipants } from './ingest-participants.service';
import { IngestService } from './ingest.service';
import { RollupSealRepository } from './rollup-seal.repository';
import { UsageEventsRepository } from './usage-events.repository';
import { UsageController } from './usage.controller';
import { UsageMoved } from './usage-moved.service';
import { UsageService } from './usage.service';

@Module({
  imports: [CustomersModule, SubscriptionsWithLimitsModule],
  controllers: [EventsController, UsageController],
  providers: [
    BillingUsageRepository,
    DailyUsageRepository,
    EventPartitionsRepository,
    EventRetentionService,
    IngestParticipants,
    IngestService,
    RollupSealRepository,
    UsageEventsRepository,
    UsageService,
    UsageMoved,
  ],
  // Usage read by other modules: invoices' totals and forecasts' daily series;
  // the monthly rollups' seal, moved by its job and before a billing run.
  exports: [
    RollupSealRepository,
    BillingUsageRepository,
    DailyUsageRepository,
    IngestParticipants,
    UsageMoved,
    EventRetentionService,
  ],
})
export class MeteringModule {}
