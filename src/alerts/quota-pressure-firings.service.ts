import { Injectable } from '@nestjs/common';
import { Decimal, toDecimalString } from '../common/decimal';
import { EntitlementsService } from '../entitlements/entitlements.service';
import { QuotaHitsRepository } from '../entitlements/quota-hits.repository';
import { QuotasRepository } from '../entitlements/quotas.repository';
import { ForecastsService, SubscriptionForecast } from '../forecasting/forecasts.service';
import { EmailMessage } from '../notifications/email-message';
import { QuotaPressureRule } from './alert-rule';
import { baseAlert, Firing } from './firing';
import { intervalsPerYear, PricedCandidate, recommendPlan } from './recommendation';
import {
  isPressureWindow,
  isUnderPressure,
  Pressure,
  pressureOf,
  quotasHold,
  windowSetAt,
} from './rules/quota-pressure';

/**
 * quota_pressure firings of a subscription: for each hour, day or week quota
 * in force (of the rule's meter, if it names one), the hits in the current set
 * of `windows` windows; with at least `hits` of them, one alert for the set,
 * carrying the plan whose quotas would have held the busiest window.
 */
@Injectable()
export class QuotaPressureFirings {
  constructor(
    private readonly entitlements: EntitlementsService,
    private readonly hits: QuotaHitsRepository,
    private readonly quotas: QuotasRepository,
    private readonly forecasts: ForecastsService,
  ) {}

  async firings(
    rule: QuotaPressureRule,
    forecast: SubscriptionForecast,
    now: Date,
  ): Promise<Firing[]> {
    const { subject } = forecast;
    const firings: Firing[] = [];
    for (const { quota, meter } of await this.entitlements.place(
      [subject],
      rule.meter?.id ?? null,
    )) {
      if (!isPressureWindow(quota.window)) continue;
      const set = windowSetAt(quota.window, rule.windows, now);
      const hits = await this.hits.ofQuota(subject.subscriptionId, quota, set);
      if (!isUnderPressure(hits.length, rule.hits)) continue;
      const pressure = pressureOf(
        hits.map((hit) => ({
          hitAt: hit.hitAt,
          windowEnd: hit.hitWindow.end,
          peak: hit.peak,
          refused: hit.refused,
        })),
      );
      const holding = await this.planHolding(forecast, quota, pressure);
      const recommendation = holding?.recommendation ?? null;
      const upgrade =
        recommendation?.action === 'upgrade' && recommendation.recommended
          ? recommendation.recommended
          : null;
      const upgradeQuota =
        (upgrade &&
          holding?.candidates.find(
            (candidate) =>
              candidate.planKey === upgrade.planKey && candidate.version === upgrade.version,
          )?.quota) ??
        null;
      const alert = {
        ...baseAlert(rule, forecast, now, {
          meterId: meter.id,
          level: `${quota.window}:${quota.alignment}`,
          quantity: pressure.peakDemand,
          limit: quota.quantity,
          amount: forecast.projectedBill.expected,
          thresholdAmount: null,
          details: {
            meter: meter.key,
            window: quota.window,
            alignment: quota.alignment,
            kind: quota.kind,
            quota: toDecimalString(quota.quantity),
            capsHit: pressure.capsHit,
            hoursThrottled: toDecimalString(pressure.hoursThrottled),
            peakDemand: toDecimalString(pressure.peakDemand),
            windowSetStart: set.start.toISOString(),
            windowSetEnd: set.end.toISOString(),
          },
        }),
        // One alert per rule and set of windows: the set is the alert's interval.
        intervalStart: set.start,
        intervalEnd: set.end,
      };
      const window = quota.window;
      const email = (id: string): EmailMessage => ({
        dedupeKey: `alert:${id}`,
        customerId: subject.customerId,
        template: 'quota_pressure',
        critical: false,
        data: {
          meter: { name: meter.name, unit: meter.unit },
          usage: pressure.peakDemand,
          limit: quota.quantity,
          currency: forecast.currency,
          projectedBill: forecast.projectedBill.expected,
          limitReachedAt: null,
          intervalEnd: set.end,
          window,
          capsHit: pressure.capsHit,
          windowsWatched: rule.windows,
          hoursThrottled: pressure.hoursThrottled,
          upgrade: upgrade && {
            plan: upgrade.planKey,
            quota: upgradeQuota,
            projectedBill: upgrade.cost,
          },
        },
      });
      firings.push({
        alert,
        email,
        recommendation,
        quotaPressure: {
          window,
          capsHit: pressure.capsHit,
          hoursThrottled: pressure.hoursThrottled,
        },
      });
    }
    return firings;
  }

  /**
   * The cheapest live plan version (the plan's currency) whose quotas would
   * have held the busiest window, priced like any recommendation: one service
   * interval at the projected usage, against the current plan.
   */
  private async planHolding(
    forecast: SubscriptionForecast,
    quota: { meterId: string; window: string; alignment: string },
    pressure: Pressure,
  ) {
    const current = forecast.pricing;
    if (current === null) return null;
    const projected = new Map(
      forecast.meters.map((meter) => [meter.meterKey, meter.projected.expected]),
    );
    const live = await this.forecasts.liveVersions(forecast.currency);
    const versions = [
      current,
      ...live.filter((version) => version.version.id !== current.version.id),
    ];
    const quotasOf = await this.quotas.ofPlanVersions(
      versions.map((version) => version.version.id),
    );
    const candidates = versions.map((version): PricedCandidate & { quota: Decimal | null } => {
      const own = quotasOf.get(version.version.id) ?? [];
      return {
        planKey: version.planKey,
        version: version.version.version,
        cost: this.forecasts.priceOn(forecast, version, projected),
        fits: quotasHold(own, quota, pressure.peakDemand),
        quota:
          own.find(
            (candidate) =>
              candidate.meterId === quota.meterId &&
              candidate.window === quota.window &&
              candidate.alignment === quota.alignment,
          )?.quantity ?? null,
      };
    });
    const recommendation = recommendPlan(
      candidates[0],
      candidates,
      intervalsPerYear(forecast.subject.schedule.serviceInterval),
    );
    return { recommendation, candidates };
  }
}
