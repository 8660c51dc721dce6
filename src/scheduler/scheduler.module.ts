import { DynamicModule, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { AlertsModule } from '../alerts/alerts.module';
import { AppConfig } from '../config/app-config';
import { CreditsModule } from '../credits/credits.module';
import { CrmModule } from '../crm/crm.module';
import { MeteringModule } from '../metering/metering.module';
import { OutboxModule } from '../outbox/outbox.module';
import { UsagePageModule } from '../usage-page/usage-page.module';
import { AlertsJob } from './alerts.job';
import { CohortSyncJob } from './cohort-sync.job';
import { CreditGrantsJob } from './credit-grants.job';
import { CrmOutcomesJob } from './crm-outcomes.job';
import { JobLock } from './job-lock.service';
import { OutboxJob } from './outbox.job';
import { EventRetentionJob } from './event-retention.job';
import { RollupSealJob } from './rollup-seal.job';
import { UsagePageRateLimitsJob } from './usage-page-rate-limits.job';

/**
 * The timed jobs: each calls a service (under its advisory lock when only one
 * replica may run it) and holds no logic of its own. With SCHEDULER_ENABLED=false
 * none is registered (tests call the services instead).
 */
@Module({})
export class SchedulerModule {
  static register(config: AppConfig): DynamicModule {
    if (!config.schedulerEnabled) return { module: SchedulerModule };
    return {
      module: SchedulerModule,
      imports: [
        ScheduleModule.forRoot(),
        AlertsModule,
        CreditsModule,
        CrmModule,
        OutboxModule,
        MeteringModule,
        UsagePageModule,
      ],
      providers: [
        JobLock,
        AlertsJob,
        CohortSyncJob,
        CreditGrantsJob,
        OutboxJob,
        EventRetentionJob,
        RollupSealJob,
        CrmOutcomesJob,
        UsagePageRateLimitsJob,
      ],
    };
  }
}
