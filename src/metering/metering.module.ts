import { Module } from '@nestjs/common';
import { EventPartitionsRepository } from './event-partitions.repository';
import { EventRetentionService } from './event-retention.service';
import { EventsController } from './events.controller';
import { IngestService } from './ingest.service';
import { UsageEventsRepository } from './usage-events.repository';
import { UsageSubscriptionsRepository } from './usage-subscriptions.repository';
import { UsageController } from './usage.controller';
import { UsageMoved } from './usage-moved';
import { UsageService } from './usage.service';

@Module({
  controllers: [EventsController, UsageController],
  providers: [
    EventPartitionsRepository,
    EventRetentionService,
    IngestService,
    UsageEventsRepository,
    UsageService,
    UsageSubscriptionsRepository,
    UsageMoved,
  ],
  exports: [UsageMoved, EventRetentionService],
})
export class MeteringModule {}
