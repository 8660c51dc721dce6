import { DynamicModule, Module } from '@nestjs/common';
import { AlertsModule } from './alerts/alerts.module';
import { AnalyticsModule } from './analytics/analytics.module';
import { DashboardModule } from './analytics/dashboard/dashboard.module';
import { AuthModule } from './auth/auth.module';
import { CatalogModule } from './catalog/catalog.module';
import { Clock } from './common/clock';
import { CommonModule } from './common/common.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { CreditsModule } from './credits/credits.module';
import { CrmModule } from './crm/crm.module';
import { CustomersModule } from './customers/customers.module';
import { DatabaseModule } from './database/database.module';
import { EntitlementsModule } from './entitlements/entitlements.module';
import { ForecastingModule } from './forecasting/forecasting.module';
import { HealthModule } from './health/health.module';
import { CrmCreditBalancesModule } from './invoicing/crm-credit-balances.module';
import { LedgerInvoiceNumbersModule } from './invoicing/ledger-invoice-numbers.module';
import { InvoicingModule } from './invoicing/invoicing.module';
import { MeteringModule } from './metering/metering.module';
import { NotificationsModule } from './notifications/notifications.module';
import { QuotesModule } from './quotes/quotes.module';
import { SchedulerModule } from './scheduler/scheduler.module';
import { UsagePageModule } from './usage-page/usage-page.module';

@Module({})
export class AppModule {
  static register(config: AppConfig, clock?: Clock): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        CommonModule.register(clock),
        DatabaseModule,
        AuthModule,
        HealthModule,
        MeteringModule,
        CatalogModule,
        CustomersModule,
        QuotesModule,
        CreditsModule,
        InvoicingModule,
        CrmModule,
        CrmCreditBalancesModule,
        LedgerInvoiceNumbersModule,
        NotificationsModule,
        ForecastingModule,
        AlertsModule,
        AnalyticsModule,
        DashboardModule,
        EntitlementsModule,
        UsagePageModule,
        SchedulerModule.register(config),
      ],
    };
  }
}
