import { Injectable } from '@nestjs/common';
import { Decimal } from '../common/decimal';
import { DailyTotals, DailyUsageRepository } from '../metering/daily-usage.repository';
import { ForecastsService, SubscriptionForecast } from '../forecasting/forecasts.service';
import { PricedVersion } from '../forecasting/plan-pricer.service';
import { AlertInvoiceTotalsRepository } from '../invoicing/alert-invoice-totals.repository';
import { CreditBalanceService } from '../invoicing/credit-balance.service';
import { Interval } from '../common/period';
import { QuotaConfigService } from '../entitlements/quota-config.service';
import { HitsOwner, QuotaHit, QuotaHitsRepository } from '../entitlements/quota-hits.repository';
import { QuotasRepository, StoredQuota } from '../entitlements/quotas.repository';
import { ForecastSubject } from '../forecasting/forecast-subjects.repository';
import { PlacedQuotaRef, QuotaRef, RuleSources } from './alert-rule-kind';

/** What rule kinds read beyond the forecast, from the modules that own it. */
@Injectable()
export class AlertRuleSources implements RuleSources {
  constructor(
    private readonly invoices: AlertInvoiceTotalsRepository,
    private readonly daily: DailyUsageRepository,
    private readonly credit: CreditBalanceService,
    private readonly forecasts: ForecastsService,
    private readonly quotaConfig: QuotaConfigService,
    private readonly quotas: QuotasRepository,
    private readonly hits: QuotaHitsRepository,
  ) {}

  recentInvoiceTotals(subscriptionId: string, count: number): Promise<Decimal[]> {
    return this.invoices.recentInvoiceTotals(subscriptionId, count);
  }

  dailyTotals(customerId: string, from: Date, to: Date): Promise<DailyTotals> {
    return this.daily.dailyTotals(customerId, from, to);
  }

  async creditBalance(customerId: string, currency: string): Promise<Decimal> {
    return (await this.credit.balanceById(customerId, currency)).balance;
  }

  priceOn(
    forecast: SubscriptionForecast,
    version: PricedVersion,
    quantities: ReadonlyMap<string, Decimal>,
  ): Decimal {
    return this.forecasts.priceOn(forecast, version, quantities);
  }

  liveVersions(currency: string): Promise<PricedVersion[]> {
    return this.forecasts.liveVersions(currency);
  }

  quotasInForce(subject: ForecastSubject, meterId: string | null): Promise<PlacedQuotaRef[]> {
    return this.quotaConfig.place([subject], meterId);
  }

  quotaHits(subscription: HitsOwner, quota: QuotaRef, range: Interval): Promise<QuotaHit[]> {
    return this.hits.ofQuota(subscription, quota, range);
  }

  planVersionQuotas(versionIds: readonly string[]): Promise<Map<string, StoredQuota[]>> {
    return this.quotas.ofPlanVersions(versionIds);
  }
}
