import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../common/decimal';
import { QuotaHitsRepository } from '../entitlements/quota-hits.repository';
import { ForecastSubject } from '../forecasting/forecast-subjects.repository';
import { openServiceInterval } from '../forecasting/open-interval';
import { aggregateUsage } from '../metering/usage.repository';
import { ruleApplies } from './alert-rule';
import { GateFacts } from './alert-rule-kind';
import { AlertRule, kindOf } from './alert-rule-kinds';
import { alertKey, AlertsRepository } from './alerts.repository';

/**
 * Whether an on-ingest pass may fire anything new for a subscription, decided
 * from the interval's usage so far and the alerts already stored (two indexed
 * reads), before the forecast that prices an alert's figures: nearly every
 * batch crosses nothing, and a forecast per batch and customer (56 days of
 * rollups, the plan, a recommendation over every plan) would cost ingestion
 * more than the 20 % it may. Each rule kind answers for itself (`mayFire`).
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
    const fired = await this.alerts.firedKeys(subject, open.interval.start, now);
    let usage: Promise<Map<string, Decimal>> | null = null;
    const facts: GateFacts = {
      subject,
      fired: (ruleId, level, meterId) => fired.has(alertKey(ruleId, level, meterId)),
      usage: () =>
        (usage ??= aggregateUsage(this.db, {
          customerId: subject.customerId,
          from: open.interval.start,
          to: open.interval.end,
          meterIds: subject.limits.map((limit) => limit.meterId),
        }).then((meters) => new Map(meters.map((meter) => [meter.meterId, meter.quantity])))),
      quotaReachedWithin: (ms) =>
        this.quotaHits.anySince(subject.subscriptionId, new Date(now.getTime() - ms)),
    };
    for (const rule of applicable) {
      if (await kindOf(rule.type).mayFire(rule, facts)) return true;
    }
    return false;
  }
}
