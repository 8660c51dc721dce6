import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { CohortSyncService } from '../crm/cohort-sync.service';
import { JobLock } from './job-lock.service';

const DAILY_MS = 24 * 60 * 60_000;

/**
 * The cohort snapshots of the month that ended, pushed to the CRM. A daily
 * check rather than a run on the 1st: a replica down that day, or revenue
 * imported late, is caught up the next day; a synced month is skipped.
 */
@Injectable()
export class CohortSyncJob {
  constructor(
    private readonly cohorts: CohortSyncService,
    private readonly lock: JobLock,
  ) {}

  @Interval('crm-cohort-sync', DAILY_MS)
  run(): Promise<void> {
    return this.lock.run('crm-cohort-sync', async () => {
      await this.cohorts.syncLastMonth();
    });
  }
}
