import { Module } from '@nestjs/common';
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
    EventPartitions,
    IngestService,
    UsageEventsRepository,
    UsageService,
    UsageSubscriptionsRepository,
    UsageMoved,
  ],
  exports: [UsageMoved],
})
export class MeteringModule {}
