import { Module } from '@nestjs/common';
import { AnalyticsModule } from '../analytics/analytics.module';
import { AppConfig } from '../config/app-config';
import { CustomersModule } from '../customers/customers.module';
import { OutboxModule } from '../outbox/outbox.module';
import { CohortDelivery } from './cohort-delivery.service';
import { CohortSyncController } from './cohort-sync.controller';
import { CohortSyncService } from './cohort-sync.service';
import { CrmAccountFigures } from './crm-account-figures.service';
import { CrmDelivery } from './crm-delivery.service';
import { CrmOutbox } from './crm-outbox.service';
import { CrmOutboxController } from './crm-outbox.controller';
import { createCrmProvider } from './crm-provider.factory';
import { CRM_PROVIDER } from './crm-provider.token';
import { CrmRecordIdsRepository } from './crm-record-ids.repository';
import { CrmSetupService } from './crm-setup.service';
import { CrmSyncSources } from './crm-sync-sources.service';
import { CrmSyncService } from './crm-sync.service';
import { DealOutcomesReader } from './deal-outcomes-reader.service';
import { DealOutcomesModule } from '../deal-outcomes/deal-outcomes.module';

/**
 * CRM sync: producers enqueue through CrmOutbox; the outbox worker delivers
 * the `crm` channel through CrmDelivery to the configured provider.
 * CohortSyncService enqueues the monthly cohort snapshots.
 */
@Module({
  // Invoicing enqueues invoices here; credit balances and invoices come through the
  // CRM_CREDIT_BALANCES and CRM_INVOICE_READS ports, which invoicing binds
  // (crm-credit-balances.module.ts, crm-invoice-reads.module.ts).
  imports: [AnalyticsModule, CustomersModule, DealOutcomesModule, OutboxModule],
  controllers: [CohortSyncController, CrmOutboxController],
  providers: [
    CohortDelivery,
    CohortSyncService,
    {
      provide: CRM_PROVIDER,
      inject: [AppConfig, CrmRecordIdsRepository],
      useFactory: createCrmProvider,
    },
    CrmRecordIdsRepository,
    DealOutcomesReader,
    CrmAccountFigures,
    CrmDelivery,
    CrmOutbox,
    CrmSetupService,
    CrmSyncSources,
    CrmSyncService,
  ],
  exports: [CohortSyncService, CrmOutbox, CrmSetupService, DealOutcomesReader],
})
export class CrmModule {}
