import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { Clock } from '../common/clock';
import { EventRetentionService } from '../metering/event-retention.service';
import { JobLock } from './job-lock.service';

const EVERY_HOUR_MS = 3_600_000;

/** Month partitions of raw events made ahead, and expired ones dropped once invoiced. */
@Injectable()
export class EventRetentionJob {
  constructor(
    private readonly retention: EventRetentionService,
    private readonly lock: JobLock,
    private readonly clock: Clock,
  ) {}

  @Interval('event-retention', EVERY_HOUR_MS)
  async run(): Promise<void> {
    await this.lock.run('event-retention', async () => {
      await this.retention.maintain(this.clock.now());
    });
  }
}
