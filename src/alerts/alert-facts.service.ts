import { Injectable } from '@nestjs/common';
import { Decimal, toDecimalString } from '../common/decimal';
import { Cadence } from '../common/period';
import {
  ForecastsService,
  MeterForecast,
  SubscriptionForecast,
} from '../forecasting/forecasts.service';
import { PricedVersion } from '../forecasting/plan-pricer.service';
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

  /** At the forecast's expected quantities: what alerts propose to sales. */
  async recommend(forecast: SubscriptionForecast): Promise<Recommendation | null> {
    return this.recommendFor(forecast, expectedQuantities(forecast));
  }

  /**
   * The rule alerts use, for any projected quantities (by meter key): the
   * current version and each live version of the currency priced for them,
   * with the subscription's licences, the cheapest that holds them proposed.
   */
  async recommendFor(
    forecast: SubscriptionForecast,
    projected: ReadonlyMap<string, Decimal>,
  ): Promise<Recommendation | null> {
    const priced = await this.candidates(forecast, projected);
    if (priced === null) return null;
    return recommendPlan(
      priced.current,
      priced.candidates,
      intervalsPerYear(priced.current.serviceInterval),
    );
  }

  /** The current version and every other live version of the currency, priced; null without a plan to price on. */
  async candidates(
    forecast: SubscriptionForecast,
    projected: ReadonlyMap<string, Decimal>,
  ): Promise<{ current: CandidateOnPlan; candidates: CandidateOnPlan[] } | null> {
    const current = forecast.pricing;
    if (current === null) return null;
    const candidateOf = (version: PricedVersion): CandidateOnPlan => ({
      planKey: version.planKey,
      version: version.version.version,
      serviceInterval: version.version.serviceInterval,
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
    return { current: currentCandidate, candidates: [currentCandidate, ...others] };
  }
}

/** A priced candidate with the length of the interval its cost covers. */
export type CandidateOnPlan = PricedCandidate & { serviceInterval: Cadence };

function expectedQuantities(forecast: SubscriptionForecast): Map<string, Decimal> {
  return new Map(forecast.meters.map((meter) => [meter.meterKey, meter.projected.expected]));
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
