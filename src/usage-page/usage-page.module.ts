import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { urlencoded } from 'express';
import { AlertsModule } from '../alerts/alerts.module';
import { CrmModule } from '../crm/crm.module';
import { CustomersModule } from '../customers/customers.module';
import { ForecastingModule } from '../forecasting/forecasting.module';
import { InvoicingModule } from '../invoicing/invoicing.module';
import { MeteringModule } from '../metering/metering.module';
import { USAGE_PAGE_PATH } from '../usage-links/usage-links.service';
import { UsageLinksModule } from '../usage-links/usage-links.module';
import { pageHeaders } from './page-headers';
import { UsagePageAssetsController } from './usage-page-assets.controller';
import { UsagePageLinksController } from './usage-page-links.controller';
import { UsagePageRateLimitGuard } from './usage-page-rate-limit.guard';
import { UsagePageRateLimitsRepository } from './usage-page-rate-limits.repository';
import { UsagePageController } from './usage-page.controller';
import { UsagePageService } from './usage-page.service';
import { UsageRequestsController } from './usage-requests.controller';
import { UsageRequestsRepository } from './usage-requests.repository';
import { UsageRequestsService } from './usage-requests.service';

/**
 * The customer usage page (`/usage/{token}`): usage, forecast, bill, credit
 * and invoices, a price calculator, and requests that reach sales through the
 * CRM outbox. Owns `usage_page_requests` and `usage_page_rate_limits`; reads everything else through the
 * other modules' services.
 */
@Module({
  imports: [
    AlertsModule,
    CrmModule,
    CustomersModule,
    ForecastingModule,
    InvoicingModule,
    MeteringModule,
    UsageLinksModule,
  ],
  controllers: [
    UsagePageAssetsController,
    UsagePageController,
    UsagePageLinksController,
    UsageRequestsController,
  ],
  providers: [
    UsagePageRateLimitGuard,
    UsagePageRateLimitsRepository,
    UsagePageService,
    UsageRequestsRepository,
    UsageRequestsService,
  ],
  // For the job that deletes expired counters (src/scheduler).
  exports: [UsagePageRateLimitsRepository],
})
export class UsagePageModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(pageHeaders).forRoutes(`${USAGE_PAGE_PATH}/*path`);
    // The page's forms post urlencoded, like any HTML form without a script.
    consumer
      .apply(urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 }))
      .forRoutes({ path: `${USAGE_PAGE_PATH}/*path`, method: RequestMethod.POST });
  }
}
