import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { Decimal, sumDecimals, toDecimalString } from '../common/decimal';
import { inTransaction } from '../database/transaction';
import {
  ForecastSubject,
  ForecastSubjectsRepository,
} from '../forecasting/forecast-subjects.repository';
import {
  ForecastsService,
  MeterForecast,
  SubscriptionForecast,
} from '../forecasting/forecasts.service';
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
import { isBillShock, USUAL_BILL_INVOICES, usualBill } from './rules/bill-shock';
import { spendReached } from './rules/spend-threshold';
import { isUsageSpike, SPIKE_TRAILING_DAYS } from './rules/usage-spike';
import { levelsReached } from './rules/usage-threshold';

/** A candidate alert and the e-mail to send if it is new. */
interface Firing {
  alert: NewAlert;
  email: ((alertId: string) => EmailMessage) | null;
}

const ON_INGEST = ['usage_threshold', 'spend_threshold'] as const;
const SCHEDULED = ['bill_shock', 'usage_spike'] as const;

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
    const recommendation = recommendationDetails(await this.facts.recommend(forecast));
    return inTransaction(this.db, async (tx) => {
      let stored = 0;
      for (const { alert, email } of fresh) {
        const details = recommendation ? { ...alert.details, recommendation } : alert.details;
        const id = await this.alerts.insertOnce(tx, { ...alert, details });
        if (id === null) continue;
        stored += 1;
        if (email && alert.channels.includes('email')) {
          await this.notifications.enqueueEmail(tx, email(id));
        }
      }
      // CRM channels: the alert row keeps its channels; the CRM sync (a later issue) reads
      // alerts rather than outbox rows, as the outbox's 'crm' channel has no handler yet.
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
        // Not evaluated yet: needs the real-time credit balance from invoicing.
        return [];
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

type AlertFields = Pick<
  NewAlert,
  'meterId' | 'level' | 'quantity' | 'limit' | 'amount' | 'thresholdAmount' | 'details'
>;

function baseAlert(
  rule: AlertRule,
  forecast: SubscriptionForecast,
  now: Date,
  fields: AlertFields,
): NewAlert {
  return {
    ruleId: rule.id,
    ruleType: rule.type,
    customerId: forecast.subject.customerId,
    subscriptionId: forecast.subject.subscriptionId,
    intervalStart: forecast.interval.start,
    intervalEnd: forecast.interval.end,
    currency: forecast.currency,
    channels: rule.channels,
    firedAt: now,
    ...fields,
  };
}

type LimitedMeter = MeterForecast & { limit: Decimal };

const hasLimit = (meter: MeterForecast): meter is LimitedMeter => meter.limit !== null;

/** What every usage e-mail shows about a meter (see email-message.ts). */
function emailFigures(meter: LimitedMeter, forecast: SubscriptionForecast) {
  const full = meter.crossings.find((crossing) => crossing.percent.eq(100))?.crossing;
  return {
    meter: { name: meter.meterName, unit: meter.unit },
    usage: meter.quantity,
    limit: meter.limit,
    currency: forecast.currency,
    projectedBill: forecast.projectedBill.expected,
    limitReachedAt: full?.status === 'projected' ? full.at : null,
    intervalEnd: forecast.interval.end,
  };
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
