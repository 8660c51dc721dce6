import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { CustomersModule } from '../customers/customers.module';
import { SubscriptionsWithLimitsModule } from '../customers/subscriptions-with-limits.module';
import { MeteringModule } from '../metering/metering.module';
import { ForecastAccuracyService } from './forecast-accuracy.service';
import { ForecastSubjectsRepository } from './forecast-subjects.repository';
import { ForecastsController } from './forecasts.controller';
import { ForecastsService } from './forecasts.service';
import { PlanPricer } from './plan-pricer.service';

/** The HTTP and database wiring of the pure forecasting code beside it. */
@Module({
  imports: [CatalogModule, CustomersModule, MeteringModule, SubscriptionsWithLimitsModule],
  controllers: [ForecastsController],
  providers: [ForecastAccuracyService, ForecastSubjectsRepository, ForecastsService, PlanPricer],
  exports: [ForecastSubjectsRepository, ForecastsService],
})
export class ForecastingModule {}
