import { Injectable } from '@nestjs/common';
import { toDecimalString } from '../common/decimal';
import {
  ForecastsService,
  MeterForecast,
  SubscriptionForecast,
} from '../forecasting/forecasts.service';
import { AlertDetails } from './firing';
import {
  fitsLimits,
  intervalsPerYear,
  PricedCandidate,
  Recommendation,
  recommendPlan,
} from './recommendation';

/** The numbers behind an alert: the forecast of the subscription and what sales should propose. */
@Injectable()
export class AlertFactsService {
  constructor(private readonly forecasts: ForecastsService) {}

  async recommend(forecast: SubscriptionForecast): Promise<Recommendation | null> {
    const current = forecast.pricing;
    if (current === null) return null;
    const projected = new Map(
      forecast.meters.map((meter) => [meter.meterKey, meter.projected.expected]),
    );
    const candidateOf = (version: typeof current): PricedCandidate => ({
      planKey: version.planKey,
      version: version.version.version,
      cost: this.forecasts.priceOn(forecast, version, projected),
      fits: fitsLimits(
        version.version.limits.map((limit) => ({
          meterKey: limit.meter.key,
          quantity: limit.quantity,
        })),
        projected,
      ),
    });
    const live = await this.forecasts.liveVersions(forecast.currency);
    const currentCandidate = candidateOf(current);
    const others = live
      .filter((version) => version.version.id !== current.version.id)
      .map(candidateOf);
    return recommendPlan(
      currentCandidate,
      [currentCandidate, ...others],
      intervalsPerYear(current.version.serviceInterval),
    );
  }
}

export function meterDetails(meter: MeterForecast): AlertDetails {
  const full = meter.crossings.find((crossing) => crossing.percent.eq(100))?.crossing;
  return {
    meter: meter.meterKey,
    quantity: toDecimalString(meter.quantity),
    limit: meter.limit && toDecimalString(meter.limit),
    percentOfLimit: meter.limit
      ? toDecimalString(meter.quantity.times(100).div(meter.limit).toDecimalPlaces(2))
      : null,
    projectedQuantity: toDecimalString(meter.projected.expected),
    runRateQuantity: meter.runRate && toDecimalString(meter.runRate),
    limitReachedAt: full?.status === 'projected' ? full.at.toISOString() : null,
  };
}

export function billDetails(forecast: SubscriptionForecast): AlertDetails {
  return {
    currency: forecast.currency,
    projectedBill: toDecimalString(forecast.projectedBill.expected),
    projectedBillLow: toDecimalString(forecast.projectedBill.low),
    projectedBillHigh: toDecimalString(forecast.projectedBill.high),
    runRateBill: toDecimalString(forecast.runRateBill),
  };
}

export function recommendationDetails(recommendation: Recommendation | null): AlertDetails | null {
  if (recommendation === null) return null;
  const candidate = (priced: PricedCandidate | null) =>
    priced && {
      plan: priced.planKey,
      version: priced.version,
      projectedCost: toDecimalString(priced.cost),
    };
  return {
    action: recommendation.action,
    currentPlan: candidate(recommendation.current),
    recommendedPlan: candidate(recommendation.recommended),
    incrementalAnnualRevenue: toDecimalString(recommendation.incrementalAnnualRevenue),
    summary:
      recommendation.action === 'upgrade' && recommendation.recommended
        ? `propose ${recommendation.recommended.planKey}: ${recommendation.recommended.cost.toFixed(2)} vs ${recommendation.current.cost.toFixed(2)} a period on the current plan`
        : 'the current plan suits the projected usage: nothing to propose',
  };
}
