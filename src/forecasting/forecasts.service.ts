import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Aggregation } from '../catalog/dto/meter.schema';
import { Clock } from '../common/clock';
import { Decimal } from '../common/decimal';
import { NotFoundError } from '../common/errors';
import { isUuid } from '../common/ids';
import { Interval } from '../common/period';
import { aggregateUsage, MeterUsage } from '../metering/usage.repository';
import { DailyUsageRepository } from '../metering/daily-usage.repository';
import { denseDays } from './dense-days';
import { forecastUsage, MeterKind, QuantityBand, UsageForecast } from './forecast';
import {
  ForecastSubject,
  ForecastSubjectsRepository,
  SubjectMeterLimit,
} from './forecast-subjects.repository';
import { openServiceInterval } from './open-interval';
import { PlanPricer, PricedVersion } from './plan-pricer.service';
import { ProjectedBill } from './projected-bill';
import { runRateProjection } from './run-rate';
import { LimitCrossing, projectLimitCrossings } from './time-to-threshold';
import { ForecastMethod } from './usage-model';
import { addDays, daysBetween, startOfUtcDay } from './utc-days';

/** Eight weeks of days: what the seasonal model reads at most (usage-model.ts). */
const HISTORY_DAYS = 56;

export interface MeterForecast {
  meterId: string;
  meterKey: string;
  meterName: string;
  unit: string | null;
  kind: MeterKind;
  /** The interval's usage so far. */
  quantity: Decimal;
  projected: QuantityBand;
  method: ForecastMethod;
  /** Cumulative meters only: the plain run-rate baseline. */
  runRate: Decimal | null;
  limit: Decimal | null;
  /** Cumulative meters with a limit: 80 % and 100 % crossings. */
  crossings: LimitCrossing[];
}

export interface SubscriptionForecast {
  subject: ForecastSubject;
  interval: Interval;
  now: Date;
  currency: string;
  meters: MeterForecast[];
  /** One service interval's bill at the projected quantities (rates, licence fees, plan credits; before tax). */
  projectedBill: ProjectedBill;
  /** The same bill at the run-rate quantities. */
  runRateBill: Decimal;
  /** The same bill at the usage so far: what the interval costs if nothing more is used. */
  billSoFar: Decimal;
  /** What the forecast priced with, reused for recommendations. */
  pricing: PricedVersion | null;
}

function kindOf(aggregation: Aggregation): MeterKind {
  return aggregation === 'sum' || aggregation === 'count' ? 'cumulative' : 'gauge';
}

/** Per-subscription forecasts of the open service interval: usage, limit crossings and bill. */
@Injectable()
export class ForecastsService {
  constructor(
    private readonly db: DataSource,
    private readonly subjects: ForecastSubjectsRepository,
    private readonly daily: DailyUsageRepository,
    private readonly pricer: PlanPricer,
    private readonly clock: Clock,
  ) {}

  async forecastSubscription(subscriptionId: string): Promise<SubscriptionForecast> {
    const subject = isUuid(subscriptionId)
      ? await this.subjects.findById(subscriptionId, this.clock.now())
      : null;
    if (!subject) throw new NotFoundError('subscription', subscriptionId);
    const forecast = await this.forecast(subject, this.clock.now());
    if (!forecast) throw new NotFoundError('open service interval of subscription', subscriptionId);
    return forecast;
  }

  /** The forecast at `now`; null when the subscription has no open service interval then. */
  async forecast(subject: ForecastSubject, now: Date): Promise<SubscriptionForecast | null> {
    const open = openServiceInterval(subject.schedule, now);
    if (!open) return null;
    const { schedule, interval } = open;
    const usage = await aggregateUsage(this.db, {
      customerId: subject.customerId,
      from: interval.start,
      to: interval.end,
    });
    const today = startOfUtcDay(now);
    const firstDay = new Date(
      Math.max(
        startOfUtcDay(schedule.subscriptionStart).getTime(),
        addDays(today, -HISTORY_DAYS).getTime(),
      ),
    );
    const totals = await this.daily.dailyTotals(subject.customerId, firstDay, addDays(today, 1));
    const meters = meterList(usage, subject.limits).map((meter) => {
      const sparse = totals.get(meter.meterId) ?? [];
      const days = denseDays(sparse, firstDay, daysBetween(firstDay, today));
      const todayUsage = sparse.find((entry) => entry.day.getTime() === today.getTime())?.quantity;
      const forecast = forecastUsage({
        series: { firstDay, days, today: todayUsage ?? new Decimal(0) },
        interval,
        now,
        kind: kindOf(meter.aggregation),
        intervalToDate: meter.quantity,
      });
      return meterForecast(meter, forecast, interval, now);
    });
    const pricing = await this.pricer.load(
      subject.planId,
      subject.planKey,
      subject.currency,
      subject.version,
    );
    const priceAt = (pick: (meter: MeterForecast) => Decimal) =>
      pricing === null
        ? new Decimal(0)
        : this.pricer.price(
            pricing,
            new Map(meters.map((meter) => [meter.meterKey, pick(meter)])),
            subject.licenceQuantities,
            interval.start,
          );
    const expected = priceAt((meter) => meter.projected.expected);
    const bills = [
      priceAt((meter) => meter.projected.low),
      expected,
      priceAt((meter) => meter.projected.high),
    ];
    return {
      subject,
      interval,
      now,
      currency: subject.currency,
      meters,
      projectedBill: { expected, low: Decimal.min(...bills), high: Decimal.max(...bills) },
      runRateBill: priceAt((meter) => meter.runRate ?? meter.quantity),
      billSoFar: priceAt((meter) => meter.quantity),
      pricing,
    };
  }

  /** Prices projected quantities (by meter key) on another plan version, with this subscription's licences. */
  priceOn(
    forecastOf: SubscriptionForecast,
    version: PricedVersion,
    quantities: ReadonlyMap<string, Decimal>,
  ): Decimal {
    return this.pricer.price(
      version,
      quantities,
      forecastOf.subject.licenceQuantities,
      forecastOf.interval.start,
    );
  }

  liveVersions(currency: string): Promise<PricedVersion[]> {
    return this.pricer.liveVersions(currency);
  }
}

/** A meter as a limit names it, with its usage in the interval as `quantity`. */
interface MeterInInterval extends SubjectMeterLimit {
  limit: Decimal | null;
}

/** Meters with a limit (even if idle) and meters with usage, by key. */
function meterList(usage: MeterUsage[], limits: SubjectMeterLimit[]): MeterInInterval[] {
  const byId = new Map<string, MeterInInterval>();
  for (const limit of limits) {
    byId.set(limit.meterId, { ...limit, quantity: new Decimal(0), limit: limit.quantity });
  }
  for (const meter of usage) {
    const known = byId.get(meter.meterId);
    byId.set(meter.meterId, {
      meterId: meter.meterId,
      meterKey: meter.meterKey,
      meterName: known?.meterName ?? meter.meterKey,
      unit: known?.unit ?? null,
      aggregation: meter.aggregation,
      quantity: meter.quantity,
      limit: known?.limit ?? null,
    });
  }
  return [...byId.values()].sort((a, b) => a.meterKey.localeCompare(b.meterKey));
}

function meterForecast(
  meter: MeterInInterval,
  forecast: UsageForecast,
  interval: Interval,
  now: Date,
): MeterForecast {
  const cumulative = forecast.kind === 'cumulative';
  return {
    meterId: meter.meterId,
    meterKey: meter.meterKey,
    meterName: meter.meterName,
    unit: meter.unit,
    kind: forecast.kind,
    quantity: meter.quantity,
    projected: forecast.atEnd,
    method: forecast.model.method,
    runRate: cumulative ? runRateProjection(meter.quantity, interval, now) : null,
    limit: meter.limit,
    crossings:
      forecast.kind === 'cumulative' && meter.limit
        ? projectLimitCrossings(forecast, meter.limit)
        : [],
  };
}
