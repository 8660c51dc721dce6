import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { CoalescedPasses } from '../common/coalesced-passes';
import { ShutdownService } from '../common/shutdown.service';
import { Decimal } from '../common/decimal';
import { CrmOutbox } from '../crm/crm-outbox.service';
import { FiredAlert } from '../crm/crm-signals';
import { inTransaction } from '../database/transaction';
import {
  ForecastSubject,
  ForecastSubjectsRepository,
} from '../forecasting/forecast-subjects.repository';
import { ForecastsService } from '../forecasting/forecasts.service';
import { NotificationsService } from '../notifications/notifications.service';
import { ruleApplies } from './alert-rule';
import { AlertFactsService, recommendationDetails } from './alert-facts.service';
import { ALERT_RULE_KINDS, AlertRule, AlertRuleType, kindOf } from './alert-rule-kinds';
import { AlertRulesRepository } from './alert-rules.repository';
import { alertKey, AlertsRepository } from './alerts.repository';
import { Firing, NewAlert } from './firing';
import { IngestGate } from './ingest-gate.service';
import { Recommendation } from './recommendation';
import { AlertRuleSources } from './rule-sources.service';

const kindsEvaluated = (when: 'onIngest' | 'scheduled'): AlertRuleType[] =>
  Object.values(ALERT_RULE_KINDS)
    .filter((kind) => kind.evaluated[when])
    .map((kind) => kind.type);

const ON_INGEST = kindsEvaluated('onIngest');
const SCHEDULED = kindsEvaluated('scheduled');

/**
 * On-ingest passes start at least this far apart: a pass reads its customers
 * together (IngestGate), so under steady ingestion the customers of this
 * interval's batches cost one pass, not one each, and an alert is stored
 * within about this much of the batch that crossed its level.
 */
const PASS_INTERVAL_MS = 250;

/**
 * Queues, schedules and runs the alert rules: the kinds evaluated on ingest
 * for the customers whose usage just moved (fed by ingestion through
 * `enqueue`), the scheduled kinds for everyone; what a rule checks and fires is
 * its kind's (`alert-rule-kinds.ts`). Each fired alert and its e-mail are
 * written in one transaction; the alerts' unique key makes every evaluation
 * safe to repeat.
 */
@Injectable()
export class AlertsEvaluator {
  private readonly logger = new Logger(AlertsEvaluator.name);
  private readonly passes = new CoalescedPasses({
    intervalMs: PASS_INTERVAL_MS,
    pass: (customerIds) => this.evaluateCustomers(customerIds, this.clock.now()),
    failed: (error) => this.logger.error(`alert evaluation failed: ${String(error)}`),
    // Held, so a replica shutting down evaluates what it took in before its database closes.
    hold: (drain) => this.shutdown.hold(drain),
  });

  constructor(
    private readonly db: DataSource,
    private readonly rules: AlertRulesRepository,
    private readonly alerts: AlertsRepository,
    private readonly subjects: ForecastSubjectsRepository,
    private readonly forecasts: ForecastsService,
    private readonly facts: AlertFactsService,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    private readonly gate: IngestGate,
    private readonly sources: AlertRuleSources,
    private readonly crm: CrmOutbox,
    private readonly shutdown: ShutdownService,
  ) {}

  /** Called after an ingest commits: returns at once, evaluation follows off the request path. */
  enqueue(customerIds: Iterable<string>): void {
    this.passes.enqueue(customerIds);
  }

  /** Resolves once every customer enqueued so far has been evaluated (tests, shutdown), with no pause. */
  flush(): Promise<void> {
    return this.passes.flush();
  }

  /** The on-ingest rules for these customers' open intervals. */
  async evaluateCustomers(customerIds: readonly string[], now: Date): Promise<number> {
    const rules = await this.rules.list({ enabledOnly: true, types: ON_INGEST });
    if (rules.length === 0) return 0;
    const subjects = await this.subjects.active(customerIds, now);
    let fired = 0;
    for (const subject of await this.gate.whichMayFire(subjects, rules, now)) {
      fired += await this.evaluateSubject(subject, rules, now);
    }
    return fired;
  }

  /** The scheduled rules for every active subscription. */
  async evaluateScheduled(now: Date): Promise<number> {
    const rules = await this.rules.list({ enabledOnly: true, types: SCHEDULED });
    if (rules.length === 0) return 0;
    let fired = 0;
    for (const subject of await this.subjects.active(null, now)) {
      fired += await this.evaluateSubject(subject, rules, now);
    }
    return fired;
  }

  private async evaluateSubject(
    subject: ForecastSubject,
    rules: AlertRule[],
    now: Date,
  ): Promise<number> {
    const applicable = rules.filter((rule) => ruleApplies(rule.scope, subject));
    if (applicable.length === 0) return 0;
    // The forecast prices every firing's details; it is only needed when something may fire.
    const forecast = await this.forecasts.forecast(subject, now);
    if (!forecast) return 0;
    const fired = await this.alerts.firedKeys(
      { ...subject, intervalStart: forecast.interval.start },
      now,
    );
    const firings: Firing[] = [];
    for (const rule of applicable) {
      firings.push(...(await kindOf(rule.type).firings(rule, forecast, now, this.sources)));
    }
    const fresh = firings.filter(
      ({ alert }) => !fired.has(alertKey(alert.ruleId, alert.level, alert.meterId)),
    );
    if (fresh.length === 0) return 0;
    const usual = fresh.some((firing) => firing.recommendation === undefined)
      ? await this.facts.recommend(forecast)
      : null;
    return inTransaction(this.db, async (tx) => {
      let stored = 0;
      for (const { alert, email, recommendation: own, quotaPressure } of fresh) {
        const recommended = own === undefined ? usual : own;
        const recommendation = recommendationDetails(recommended);
        const details = recommendation ? { ...alert.details, recommendation } : alert.details;
        const id = await this.alerts.insertOnce(tx, { ...alert, details });
        if (id === null) continue;
        stored += 1;
        if (email && alert.channels.includes('email')) {
          await this.notifications.enqueueEmail(tx, email(id));
        }
        await this.crm.enqueueAlert(tx, { ...crmAlert(id, alert, recommended), quotaPressure });
      }
      return stored;
    });
  }
}

/** The alert as the CRM sync takes it: its figures and what sales should propose. */
function crmAlert(id: string, alert: NewAlert, recommended: Recommendation | null): FiredAlert {
  const upgrade = recommended?.action === 'upgrade' ? recommended : null;
  return {
    id,
    customerId: alert.customerId,
    rule: alert.ruleType,
    level: alert.level,
    channels: alert.channels,
    meter: typeof alert.details.meter === 'string' ? alert.details.meter : null,
    quantity: alert.quantity,
    limit: alert.limit,
    currency: alert.currency,
    projectedBill: alert.amount,
    recommendedPlan: upgrade?.recommended?.planKey ?? null,
    incrementalAnnualRevenue: recommended?.incrementalAnnualRevenue ?? new Decimal(0),
    firedAt: alert.firedAt,
    intervalEnd: alert.intervalEnd,
  };
}
