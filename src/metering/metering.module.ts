import { Module } from '@nestjs/common';
import { BillingUsageRepository } from './billing-usage.repository';
import { DailyUsageRepository } from './daily-usage.repository';
import { EventPartitions } from './event-partitions.repository';
import { EventsController } from './events.controller';
import { IngestService } from './ingest.service';
import { UsageEventsRepository } from './usage-events.repository';
import { UsageSubscriptionsRepository } from './usage-subscriptions.repository';
import { UsageController } from './usage.controller';
import { UsageMoved } from './usage-moved.service';
import { UsageService } from './usage.service';

@Module({
  controllers: [EventsController, UsageController],
  providers: [
    BillingUsageRepository,
    DailyUsageRepository,
    EventPartitions,
    IngestService,
    UsageEventsRepository,
    UsageService,
    UsageSubscriptionsRepository,
    UsageMoved,
  ],
  // Usage read by other modules: invoices' totals and forecasts' daily series.
  exports: [BillingUsageRepository, DailyUsageRepository, UsageMoved],
})
export class MeteringModule {}
