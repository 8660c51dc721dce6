import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { currentServiceInterval, serviceIntervalsBetween } from '../common/billing-schedule';
import { Clock } from '../common/clock';
import { NotFoundError } from '../common/errors';
import { alignToHours } from '../common/hour-alignment';
import { Interval } from '../common/period';
import { aggregateUsage } from '../metering/usage.repository';
import { Accuracy, backtest, pooledAccuracy } from './backtest';
import { DailyUsageRepository } from '../metering/daily-usage.repository';
import { denseDays } from './dense-days';
import { ForecastSubject, ForecastSubjectsRepository } from './forecast-subjects.repository';
import { addDays, daysBetween, startOfUtcDay } from './utc-days';

/** Forecasts a week, two and three weeks into each past interval, as the spec's backtests do. */
export const ACCURACY_CUT_DAYS = [7, 14, 21];
/** The most recent complete intervals scored per subscription: recent accuracy, bounded cost. */
const MAX_INTERVALS = 6;
/** Days of history before the first scored interval: what the seasonal model reads at most. */
const LEAD_DAYS = 56;

export interface AccuracyQuery {
  customerExternalId?: string;
  meter?: string;
}

export interface MeterAccuracy extends Accuracy {
  meterKey: string;
}

export interface AccuracyReport extends Accuracy {
  byMeter: MeterAccuracy[];
}

/**
 * The backtest (backtest.ts) of every current subscription's cumulative meters
 * over its past complete service intervals, from the daily series of the
 * hourly rollups, pooled overall and per meter.
 */
@Injectable()
export class ForecastAccuracyService {
  constructor(
    private readonly db: DataSource,
    private readonly subjects: ForecastSubjectsRepository,
    private readonly daily: DailyUsageRepository,
    private readonly clock: Clock,
  ) {}

  async accuracy(query: AccuracyQuery): Promise<AccuracyReport> {
    const now = this.clock.now();
    let customerIds: string[] | null = null;
    if (query.customerExternalId !== undefined) {
      const id = await this.subjects.findCustomerId(query.customerExternalId);
      if (!id) throw new NotFoundError('customer', query.customerExternalId);
      customerIds = [id];
    }
    const scored: MeterAccuracy[] = [];
    for (const subject of await this.subjects.active(customerIds, now)) {
      scored.push(...(await this.backtestSubject(subject, now, query.meter)));
    }
    const meterKeys = [...new Set(scored.map((report) => report.meterKey))].sort();
    return {
      ...pooledAccuracy(scored),
      byMeter: meterKeys.map((meterKey) => ({
        meterKey,
        ...pooledAccuracy(scored.filter((report) => report.meterKey === meterKey)),
      })),
    };
  }

  private async backtestSubject(
    subject: ForecastSubject,
    now: Date,
    meterKey: string | undefined,
  ): Promise<MeterAccuracy[]> {
    const intervals = pastIntervals(subject, now);
    if (intervals.length === 0) return [];
    const subscriptionDay = startOfUtcDay(subject.schedule.subscriptionStart);
    const leadStart = addDays(intervals[0].start, -LEAD_DAYS);
    const firstDay = leadStart > subscriptionDay ? leadStart : subscriptionDay;
    const end = intervals[intervals.length - 1].end;
    const usage = await aggregateUsage(this.db, {
      customerId: subject.customerId,
      from: firstDay,
      to: end,
    });
    // Backtests score interval totals: only meters whose usage adds up (sum, count).
    const meters = usage.filter(
      (meter) =>
        (meter.aggregation === 'sum' || meter.aggregation === 'count') &&
        (meterKey === undefined || meter.meterKey === meterKey),
    );
    if (meters.length === 0) return [];
    const totals = await this.daily.dailyTotals(subject.customerId, firstDay, end);
    return meters.map((meter) => ({
      meterKey: meter.meterKey,
      ...backtest({
        history: {
          firstDay,
          days: denseDays(totals.get(meter.meterId) ?? [], firstDay, daysBetween(firstDay, end)),
        },
        intervals,
        cutDays: ACCURACY_CUT_DAYS,
      }),
    }));
  }
}

/** The last complete service intervals before the open one, those on UTC midnights (the daily series' grain). */
function pastIntervals(subject: ForecastSubject, now: Date): Interval[] {
  const schedule = alignToHours(subject.schedule);
  if (!schedule) return [];
  const bound = currentServiceInterval(schedule, now)?.start ?? startOfUtcDay(now);
  const isMidnight = (instant: Date) => startOfUtcDay(instant).getTime() === instant.getTime();
  return serviceIntervalsBetween(schedule, schedule.subscriptionStart, bound)
    .filter(
      (interval) => interval.end <= bound && isMidnight(interval.start) && isMidnight(interval.end),
    )
    .slice(-MAX_INTERVALS);
}
