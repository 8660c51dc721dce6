import { EntitlementsModule } from '../entitlements/entitlements.module';
import { QuotaHitsService } from '../entitlements/quota-hits.service';
import { Module, OnModuleInit } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { CrmModule } from '../crm/crm.module';
import { CustomersModule } from '../customers/customers.module';
import { ForecastingModule } from '../forecasting/forecasting.module';
import { InvoicingModule } from '../invoicing/invoicing.module';
import { MeteringModule } from '../metering/metering.module';
import { UsageMoved } from '../metering/usage-moved.service';
import { NotificationsModule } from '../notifications/notifications.module';
import { AlertFactsService } from './alert-facts.service';
import { AlertRulesRepository } from './alert-rules.repository';
import { AlertRulesService } from './alert-rules.service';
import { AlertUpgradesService } from './alert-upgrades.service';
import { AlertsController } from './alerts.controller';
import { AlertsEvaluator } from './alerts-evaluator.service';
import { AlertsRepository } from './alerts.repository';
import { AlertsService } from './alerts.service';
import { IngestGate } from './ingest-gate.service';
import { AlertRuleSources } from './rule-sources.service';

/** Alert rules, their evaluation on ingest and on schedule, and the alerts they fire. */
@Module({
  imports: [
    CatalogModule,
    CrmModule,
    CustomersModule,
    EntitlementsModule,
    ForecastingModule,
    InvoicingModule,
    MeteringModule,
    NotificationsModule,
  ],
  controllers: [AlertsController],
  providers: [
    AlertUpgradesService,
    AlertFactsService,
    AlertRuleSources,
    AlertRulesRepository,
    AlertRulesService,
    AlertsEvaluator,
    AlertsRepository,
    AlertsService,
    IngestGate,
  ],
  exports: [AlertFactsService, AlertsEvaluator],
})
export class AlertsModule implements OnModuleInit {
  constructor(
    private readonly usageMoved: UsageMoved,
    private readonly evaluator: AlertsEvaluator,
    private readonly quotaHits: QuotaHitsService,
  ) {}

  onModuleInit(): void {
    this.usageMoved.subscribe((customerIds) => this.evaluator.enqueue(customerIds));
    this.quotaHits.onReached((customerIds) => this.evaluator.enqueue(customerIds));
  }
}
