import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { Decimal, sumDecimals, toDecimalString } from '../common/decimal';
import { CrmOutbox } from '../crm/crm-outbox';
import { FiredAlert } from '../crm/crm-signals';
import { inTransaction } from '../database/transaction';
import {
  ForecastSubject,
  ForecastSubjectsRepository,
} from '../forecasting/forecast-subjects.repository';
import { ForecastsService, SubscriptionForecast } from '../forecasting/forecasts.service';
import { DailyUsageRepository, denseDays } from '../forecasting/daily-usage.repository';
import { addDays, startOfUtcDay } from '../forecasting/utc-days';
import { EmailMessage } from '../notifications/email-message';
import { NotificationsService } from '../notifications/notifications.service';
import {
  AlertRule,
  BillShockRule,
  ruleApplies,
  SpendThresholdRule,
  UsageSpikeRule,
  UsageThresholdRule,
} from './alert-rule';
import {
  AlertFactsService,
  billDetails,
  meterDetails,
  recommendationDetails,
} from './alert-facts.service';
import { AlertRulesRepository } from './alert-rules.repository';
import { alertKey, AlertsRepository, NewAlert } from './alerts.repository';
import { CreditBalanceFirings } from './credit-balance-firings';
import { baseAlert, emailFigures, Firing, hasLimit } from './firing';
import { IngestGate } from './ingest-gate';
import { QuotaPressureFirings } from './quota-pressure-firings.service';
import { Recommendation } from './recommendation';
import { isBillShock, USUAL_BILL_INVOICES, usualBill } from './rules/bill-shock';
import { spendReached } from './rules/spend-threshold';
import { isUsageSpike, SPIKE_TRAILING_DAYS } from './rules/usage-spike';
import { levelsReached } from './rules/usage-threshold';

// quota_pressure is evaluated when quotas are reached (QuotaHitsService.onReached), which follows ingestion.
const ON_INGEST = [
  'usage_threshold',
  'spend_threshold',
  'credit_balance_low',
  'quota_pressure',
] as const;
// Credit is checked on schedule too: a balance also runs low as credit lots expire, with no usage moving.
const SCHEDULED = ['bill_shock', 'usage_spike', 'credit_balance_low'] as const;

/**
 * Evaluates alert rules: threshold and spend rules for the customers whose
 * usage just moved (fed by ingestion through `enqueue`), forecast rules (bill
 * shock, spikes) on a schedule. Each fired alert and its e-mail are written in
 * one transaction; the alerts' unique key makes every evaluation safe to repeat.
 */
@Injectable()
export class AlertsEvaluator {
  private readonly logger = new Logger(AlertsEvaluator.name);
  /** Customers waiting for evaluation; a set, so a burst of batches coalesces into one pass each. */
  private readonly pending = new Set<string>();
  private draining: Promise<void> | null = null;

  constructor(
    private readonly db: DataSource,
    private readonly rules: AlertRulesRepository,
    private readonly alerts: AlertsRepository,
    private readonly subjects: ForecastSubjectsRepository,
    private readonly forecasts: ForecastsService,
    private readonly facts: AlertFactsService,
    private readonly daily: DailyUsageRepository,
    private readonly notifications: NotificationsService,
    private readonly clock: Clock,
    private readonly gate: IngestGate,
    private readonly credit: CreditBalanceFirings,
    private readonly crm: CrmOutbox,
    private readonly quotaPressure: QuotaPressureFirings,
  ) {}

  /** Called after an ingest commits: returns at once, evaluation follows off the request path. */
  enqueue(customerIds: Iterable<string>): void {
    for (const id of customerIds) this.pending.add(id);
    if (!this.draining) this.draining = this.drainQueue();
  }

  /** Resolves once every customer enqueued so far has been evaluated (tests, shutdown). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drainQueue(): Promise<void> {
    // Let the ingest response go out first; batches arriving meanwhile join this pass.
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.pending.size > 0) {
        const customerIds = [...this.pending];
        this.pending.clear();
        await this.evaluateCustomers(customerIds, this.clock.now()).catch((error: unknown) =>
          this.logger.error(`alert evaluation failed: ${String(error)}`),
        );
      }
    } finally {
      this.draining = null;
    }
  }

  /** Threshold and spend rules for these customers' open intervals. */
  async evaluateCustomers(customerIds: readonly string[], now: Date): Promise<number> {
    const rules = await this.rules.list({ enabledOnly: true, types: ON_INGEST });
    if (rules.length === 0) return 0;
    let fired = 0;
    for (const subject of await this.subjects.active(customerIds, now)) {
      if (!(await this.gate.mayFire(subject, rules, now))) continue;
      fired += await this.evaluateSubject(subject, rules, now);
    }
    return fired;
  }

  /** Bill shock and spike rules for every active subscription. */
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
    const fired = await this.alerts.firedKeys(subject.subscriptionId, forecast.interval.start);
    const firings: Firing[] = [];
    for (const rule of applicable) {
      firings.push(...(await this.firingsOf(rule, forecast, now)));
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

  private async firingsOf(
    rule: AlertRule,
    forecast: SubscriptionForecast,
    now: Date,
  ): Promise<Firing[]> {
    switch (rule.type) {
      case 'usage_threshold':
        return usageThresholdFirings(rule, forecast, now);
      case 'spend_threshold':
        return spendFirings(rule, forecast, now);
      case 'bill_shock':
        return this.billShockFirings(rule, forecast, now);
      case 'usage_spike':
        return this.spikeFirings(rule, forecast, now);
      case 'credit_balance_low':
        return this.credit.firings(rule, forecast, now);
      case 'quota_pressure':
        return this.quotaPressure.firings(rule, forecast, now);
    }
  }

  private async billShockFirings(
    rule: BillShockRule,
    forecast: SubscriptionForecast,
    now: Date,
  ): Promise<Firing[]> {
    const { subject } = forecast;
    const totals = await this.alerts.recentInvoiceTotals(
      subject.subscriptionId,
      USUAL_BILL_INVOICES,
    );
    const fixedFees = sumDecimals(
      (forecast.pricing?.version.licenceFees ?? []).map((fee) =>
        fee.unitAmount.times(subject.licenceQuantities[fee.billableItem.key] ?? 1),
      ),
    );
    const usual = usualBill(totals, fixedFees);
    const projected = forecast.projectedBill.expected;
    if (
      !isBillShock({
        projectedBill: projected,
        usualBill: usual,
        factor: rule.factor,
        minIncrease: rule.minIncrease,
      })
    )
      return [];
    const meter = forecast.meters.find(hasLimit) ?? null;
    const alert = baseAlert(rule, forecast, now, {
      meterId: null,
      level: 'shock',
      quantity: null,
      limit: null,
      amount: projected,
      thresholdAmount: usual,
      details: {
        ...billDetails(forecast),
        usualBill: toDecimalString(usual),
        factor: toDecimalString(rule.factor),
      },
    });
    const email = meter
      ? (id: string): EmailMessage => ({
          dedupeKey: `alert:${id}`,
          customerId: subject.customerId,
          template: 'bill_shock',
          critical: false,
          data: { ...emailFigures(meter, forecast), usualBill: usual },
        })
      : null;
    return [{ alert, email }];
  }

  private async spikeFirings(
    rule: UsageSpikeRule,
    forecast: SubscriptionForecast,
    now: Date,
  ): Promise<Firing[]> {
    const today = startOfUtcDay(now);
    const firstDay = addDays(today, -(SPIKE_TRAILING_DAYS + 1));
    const totals = await this.daily.dailyTotals(forecast.subject.customerId, firstDay, today);
    return forecast.meters
      .filter(
        (meter) =>
          meter.kind === 'cumulative' && (rule.meter === null || rule.meter.id === meter.meterId),
      )
      .flatMap((meter) => {
        const days = denseDays(totals.get(meter.meterId) ?? [], firstDay, SPIKE_TRAILING_DAYS + 1);
        const yesterday = days[days.length - 1];
        if (!isUsageSpike(yesterday, days.slice(0, -1), rule.multiplier)) return [];
        const day = addDays(today, -1).toISOString().slice(0, 10);
        return [
          {
            alert: baseAlert(rule, forecast, now, {
              meterId: meter.meterId,
              level: `spike:${day}`,
              quantity: yesterday,
              limit: meter.limit,
              amount: null,
              thresholdAmount: null,
              details: { ...meterDetails(meter), day, dayQuantity: toDecimalString(yesterday) },
            }),
            email: null,
          },
        ];
      });
  }
}

function usageThresholdFirings(
  rule: UsageThresholdRule,
  forecast: SubscriptionForecast,
  now: Date,
): Firing[] {
  return forecast.meters
    .filter(hasLimit)
    .filter((meter) => rule.meter === null || rule.meter.id === meter.meterId)
    .flatMap((meter) =>
      levelsReached(meter.quantity, meter.limit, rule.levels).map((level): Firing => {
        const alert = baseAlert(rule, forecast, now, {
          meterId: meter.meterId,
          level: toDecimalString(level),
          quantity: meter.quantity,
          limit: meter.limit,
          amount: forecast.projectedBill.expected,
          thresholdAmount: null,
          details: {
            ...meterDetails(meter),
            ...billDetails(forecast),
            levelPercent: toDecimalString(level),
          },
        });
        const figures = emailFigures(meter, forecast);
        const email = (id: string): EmailMessage =>
          level.gte(100)
            ? {
                dedupeKey: `alert:${id}`,
                customerId: forecast.subject.customerId,
                template: 'usage_limit_reached',
                critical: true,
                data: { ...figures, limitReachedAt: now },
              }
            : {
                dedupeKey: `alert:${id}`,
                customerId: forecast.subject.customerId,
                template: 'usage_threshold',
                critical: false,
                data: { ...figures, thresholdPercent: level.toNumber() },
              };
        return { alert, email };
      }),
    );
}

/** The bill so far: the plan priced at the usage so far (licence fees included, before tax). */
function spendFirings(
  rule: SpendThresholdRule,
  forecast: SubscriptionForecast,
  now: Date,
): Firing[] {
  const soFar = forecast.billSoFar;
  if (!spendReached(soFar, rule.amount)) return [];
  return [
    {
      alert: baseAlert(rule, forecast, now, {
        meterId: null,
        level: toDecimalString(rule.amount),
        quantity: null,
        limit: null,
        amount: soFar,
        thresholdAmount: rule.amount,
        details: { ...billDetails(forecast), billSoFar: toDecimalString(soFar) },
      }),
      // No spend e-mail template exists yet: the alert reaches sales through its other channels.
      email: null,
    },
  ];
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
