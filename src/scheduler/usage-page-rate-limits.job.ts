import { Injectable } from '@nestjs/common';
import { Interval } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { UsagePageRateLimitsRepository } from '../usage-page/usage-page-rate-limits.repository';
import { JobLock } from './job-lock.service';

const EVERY_TEN_MINUTES_MS = 600_000;

/** The usage pages' counters of clients whose window has ended, deleted so the table stays small. */
@Injectable()
export class UsagePageRateLimitsJob {
  constructor(
    private readonly counters: UsagePageRateLimitsRepository,
    private readonly config: AppConfig,
    private readonly lock: JobLock,
  ) {}

  @Interval('usage-page-rate-limits', EVERY_TEN_MINUTES_MS)
  async run(): Promise<void> {
    await this.lock.run('usage-page-rate-limits', async () => {
      await this.counters.deleteExpired(this.config.usagePageRateLimit);
    });
  }
}
