import { Module, OnModuleInit } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { CustomersModule } from '../customers/customers.module';
import { ForecastingModule } from '../forecasting/forecasting.module';
import { IngestParticipants } from '../metering/ingest-participants.service';
import { MeteringModule } from '../metering/metering.module';
import { UsageMoved } from '../metering/usage-moved.service';
import { CatalogDirectory } from './catalog-directory.service';
import { EntitlementUsageRepository } from './entitlement-usage.repository';
import { EntitlementsController } from './entitlements.controller';
import { EntitlementsService } from './entitlements.service';
import { QuotaConfigService } from './quota-config.service';
import { QuotaEnforcement } from './quota-enforcement.service';
import { QuotaHitsRepository } from './quota-hits.repository';
import { QuotaHitsController } from './quota-hits.controller';
import { QuotaHitsService } from './quota-hits.service';
import { QuotaHitsViewService } from './quota-hits-view.service';
import { QuotasController } from './quotas.controller';
import { QuotasRepository } from './quotas.repository';
import { QuotasService } from './quotas.service';

/**
 * Quotas on plan versions and subscriptions, the usage buckets ingestion keeps
 * for them, the entitlement check, enforcement at ingest and the quota hits.
 */
@Module({
  imports: [CatalogModule, CustomersModule, ForecastingModule, MeteringModule],
  controllers: [EntitlementsController, QuotaHitsController, QuotasController],
  providers: [
    CatalogDirectory,
    EntitlementUsageRepository,
    EntitlementsService,
    QuotaConfigService,
    QuotaEnforcement,
    QuotaHitsRepository,
    QuotaHitsService,
    QuotaHitsViewService,
    QuotasRepository,
    QuotasService,
  ],
  exports: [
    EntitlementsService,
    QuotaConfigService,
    QuotaHitsService,
    QuotaHitsRepository,
    QuotasRepository,
  ],
})
export class EntitlementsModule implements OnModuleInit {
  constructor(
    private readonly participants: IngestParticipants,
    private readonly enforcement: QuotaEnforcement,
    private readonly usageMoved: UsageMoved,
    private readonly hits: QuotaHitsService,
  ) {}

  onModuleInit(): void {
    this.participants.register(this.enforcement);
    this.usageMoved.subscribe((customerIds) => this.hits.enqueue(customerIds));
  }
}
