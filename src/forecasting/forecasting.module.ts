import { Module } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { DailyUsageRepository } from './daily-usage.repository';
import { ForecastAccuracyService } from './forecast-accuracy.service';
import { ForecastSubjectsRepository } from './forecast-subjects.repository';
import { ForecastsController } from './forecasts.controller';
import { ForecastsService } from './forecasts.service';
import { PlanPricer } from './plan-pricer.service';

/** The HTTP and database wiring of the pure forecasting code beside it. */
@Module({
  imports: [CatalogModule],
  controllers: [ForecastsController],
  providers: [
    DailyUsageRepository,
    ForecastAccuracyService,
    ForecastSubjectsRepository,
    ForecastsService,
    PlanPricer,
  ],
  exports: [DailyUsageRepository, ForecastSubjectsRepository, ForecastsService],
})
export class ForecastingModule {}
