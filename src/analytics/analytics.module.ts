import { Module } from '@nestjs/common';
import { CustomersModule } from '../customers/customers.module';
import { DealOutcomesModule } from '../deal-outcomes/deal-outcomes.module';
import { RevenueImportController } from './ledger/revenue-import.controller';
import { RevenueImportService } from './ledger/revenue-import.service';
import { RevenueLedgerModule } from './ledger/revenue-ledger.module';
import { AnalyticsController } from './metrics/analytics.controller';
import { AnalyticsRepository } from './metrics/analytics.repository';
import { AnalyticsService } from './metrics/analytics.service';
import { CustomerRetentionRepository } from './metrics/customer-retention.repository';
import { UpsellSignalsRepository } from './metrics/upsell-signals.repository';

/** Revenue import, MRR movements, retention, cohorts and expansion over the revenue ledger. */
@Module({
  imports: [CustomersModule, DealOutcomesModule, RevenueLedgerModule],
  controllers: [RevenueImportController, AnalyticsController],
  providers: [
    RevenueImportService,
    AnalyticsRepository,
    UpsellSignalsRepository,
    AnalyticsService,
    CustomerRetentionRepository,
  ],
  // The CRM reads per-customer retention and MRR through the repository.
  exports: [AnalyticsService, CustomerRetentionRepository],
})
export class AnalyticsModule {}
