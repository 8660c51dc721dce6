import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../common/decimal';
import { Interval } from '../common/period';
import { QuotaHitsRepository } from '../entitlements/quota-hits.repository';
import { ForecastSubject } from '../forecasting/forecast-subjects.repository';
import { openServiceInterval } from '../forecasting/open-interval';
import { BillingUsageRepository, UsageSelection } from '../metering/billing-usage.repository';
import { ruleApplies } from './alert-rule';
import { GateFacts } from './alert-rule-kind';
import { AlertRule, kindOf } from './alert-rule-kinds';
import { alertKey, AlertsRepository } from './alerts.repository';

/** A subscription the gate judges: the rules that apply to it and its open service interval. */
interface Judged {
  subject: ForecastSubject;
  applicable: AlertRule[];
  interval: Interval;
}

/**
 * Which subscriptions an on-ingest pass may fire anything new for, decided
 * from the interval's usage so far and the alerts already stored, before the
 * forecast that prices an alert's figures: nearly every batch crosses nothing,
 * and a forecast per batch and customer (56 days of rollups, the plan, a
 * recommendation over every plan) would cost ingestion more than the 20 % it
 * may. Each rule kind answers for itself (`mayFire`). A pass's subscriptions
 * are judged together: their fired alerts are read in one statement, and
 * their usage in one more when a kind first asks for it.
 */
@Injectable()
export class IngestGate {
  constructor(
    private readonly db: DataSource,
    private readonly alerts: AlertsRepository,
    private readonly usage: BillingUsageRepository,
    private readonly quotaHits: QuotaHitsRepository,
  ) {}

  async whichMayFire(
    subjects: readonly ForecastSubject[],
    rules: readonly AlertRule[],
    now: Date,
  ): Promise<ForecastSubject[]> {
    const judged = subjects.flatMap((subject): Judged[] => {
      const applicable = rules.filter((rule) => ruleApplies(rule.scope, subject));
      const open = openServiceInterval(subject.schedule, now);
      return applicable.length > 0 && open
        ? [{ subject, applicable, interval: open.interval }]
        : [];
    });
    const fired = await this.alerts.firedKeysOf(
      judged.map(({ subject, interval }) => ({ ...subject, intervalStart: interval.start })),
      now,
    );
    let usage: Promise<Array<ReadonlyMap<string, Decimal>>> | null = null;
    const mayFire: ForecastSubject[] = [];
    for (const [n, { subject, applicable }] of judged.entries()) {
      const facts: GateFacts = {
        subject,
        fired: (ruleId, level, meterId) => fired[n].has(alertKey(ruleId, level, meterId)),
        usage: async () => (await (usage ??= this.usageSoFar(judged)))[n],
        quotaReachedWithin: (ms) => this.quotaHits.anySince(subject, new Date(now.getTime() - ms)),
      };
      for (const rule of applicable) {
        if (await kindOf(rule.type).mayFire(rule, facts)) {
          mayFire.push(subject);
          break;
        }
      }
    }
    return mayFire;
  }

  /** Each subscription's usage so far in its open interval, by meter id, of the meters it has limits on. */
  private async usageSoFar(judged: readonly Judged[]): Promise<Array<Map<string, Decimal>>> {
    const selections = judged.flatMap(({ subject, interval }, n) =>
      subject.limits.map((limit) => ({
        n,
        selection: {
          customerId: subject.customerId,
          meterId: limit.meterId,
          interval,
          filter: {},
        } satisfies UsageSelection,
      })),
    );
    const totals = await this.usage.totals(
      this.db,
      selections.map(({ selection }) => selection),
    );
    const usage = judged.map(() => new Map<string, Decimal>());
    selections.forEach(({ n, selection }, k) =>
      usage[n].set(selection.meterId, totals[k].quantity),
    );
    return usage;
  }
}
