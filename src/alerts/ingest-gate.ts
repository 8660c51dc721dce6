import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { toDecimalString, ZERO } from '../common/decimal';
import { ForecastSubject } from '../forecasting/forecast-subjects.repository';
import { openServiceInterval } from '../forecasting/open-interval';
import { aggregateUsage, MeterUsage } from '../metering/usage.repository';
import { QuotaHitsRepository } from '../entitlements/quota-hits.repository';
import { AlertRule, ruleApplies } from './alert-rule';

const WEEK_MS = 7 * 24 * 3_600_000;
import { alertKey, AlertsRepository } from './alerts.repository';
import { CREDIT_LOW_LEVELS } from './rules/credit-balance-low';
import { levelsReached } from './rules/usage-threshold';

/**
 * Whether an on-ingest pass may fire anything new for a subscription, decided
 * from the interval's usage so far and the alerts already stored (two indexed
 * reads), before the forecast that prices an alert's figures: nearly every
 * batch crosses nothing, and a forecast per batch and customer (56 days of
 * rollups, the plan, a recommendation over every plan) would cost ingestion
 * more than the 20 % it may. Spend and credit rules have no cheap test: they
 * pass until they have fired in the interval.
 */
@Injectable()
export class IngestGate {
  constructor(
    private readonly db: DataSource,
    private readonly alerts: AlertsRepository,
    private readonly quotaHits: QuotaHitsRepository,
  ) {}

  async mayFire(
    subject: ForecastSubject,
    rules: readonly AlertRule[],
    now: Date,
  ): Promise<boolean> {
    const applicable = rules.filter((rule) => ruleApplies(rule.scope, subject));
    const open = openServiceInterval(subject.schedule, now);
    if (applicable.length === 0 || !open) return false;
    const fired = await this.alerts.firedKeys(subject.subscriptionId, open.interval.start);
    let usage: MeterUsage[] | null = null;
    for (const rule of applicable) {
      switch (rule.type) {
        case 'usage_threshold': {
          usage ??= await aggregateUsage(this.db, {
            customerId: subject.customerId,
            from: open.interval.start,
            to: open.interval.end,
            meterIds: subject.limits.map((limit) => limit.meterId),
          });
          const quantities = new Map(usage.map((meter) => [meter.meterId, meter.quantity]));
          const fresh = subject.limits
            .filter((limit) => rule.meter === null || rule.meter.id === limit.meterId)
            .some((limit) =>
              levelsReached(
                quantities.get(limit.meterId) ?? ZERO,
                limit.quantity,
                rule.levels,
              ).some(
                (level) => !fired.has(alertKey(rule.id, toDecimalString(level), limit.meterId)),
              ),
            );
          if (fresh) return true;
          break;
        }
        case 'spend_threshold':
          if (!fired.has(alertKey(rule.id, toDecimalString(rule.amount), null))) return true;
          break;
        case 'credit_balance_low':
          if (CREDIT_LOW_LEVELS.some((level) => !fired.has(alertKey(rule.id, level, null))))
            return true;
          break;
        case 'quota_pressure':
          // Its set of windows is at most `windows` weeks long: no hit since then, nothing to count.
          if (
            await this.quotaHits.anySince(
              subject.subscriptionId,
              new Date(now.getTime() - rule.windows * WEEK_MS),
            )
          )
            return true;
          break;
        default:
          return true;
      }
    }
    return false;
  }
}
