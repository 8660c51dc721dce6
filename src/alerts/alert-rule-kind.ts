import { z } from 'zod';
import { Decimal } from '../common/decimal';
import { DailyTotals } from '../metering/daily-usage.repository';
import { ForecastSubject } from '../forecasting/forecast-subjects.repository';
import { SubscriptionForecast } from '../forecasting/forecasts.service';
import { PricedVersion } from '../forecasting/plan-pricer.service';
import { Interval } from '../common/period';
import { HitsOwner, QuotaHit } from '../entitlements/quota-hits.repository';
import { QuotaInForce, StoredQuota } from '../entitlements/quotas.repository';
import { MeterRef, RuleBasis } from './alert-rule';
import { Firing } from './firing';

/**
 * The columns of `alert_rules` that hold a kind's own parameters. A kind uses
 * the ones it needs; one that needs another adds a column by migration.
 */
export interface RuleParameters {
  levels: Decimal[] | null;
  factor: Decimal | null;
  minIncrease: Decimal | null;
  amount: Decimal | null;
  percent: Decimal | null;
  multiplier: Decimal | null;
  /** quota_pressure: quota hits (N) within a set of windows (M). */
  hits: number | null;
  windows: number | null;
}

/** A parameter the create path always stores for the kind. */
export function requiredParameter<T>(value: T | null, column: string, ruleId: string): T {
  if (value === null) throw new Error(`alert rule ${ruleId} has no ${column}`);
  return value;
}

/** What a rule's firing may read beyond the forecast (the evaluator provides it: RuleSources). */
export interface RuleSources {
  /** Totals (before credits) of a subscription's last finalized invoices, newest first. */
  recentInvoiceTotals(subscriptionId: string, count: number): Promise<Decimal[]>;
  /** A customer's usage per meter and UTC day, from `from` up to `to` (exclusive). */
  dailyTotals(customerId: string, from: Date, to: Date): Promise<DailyTotals>;
  /** The customer's real-time credit balance in `currency`. */
  creditBalance(customerId: string, currency: string): Promise<Decimal>;
  /** What one service interval of `version` costs at these quantities (by meter key). */
  priceOn(
    forecast: SubscriptionForecast,
    version: PricedVersion,
    quantities: ReadonlyMap<string, Decimal>,
  ): Decimal;
  /** The live plan versions priced in `currency`, the candidates of a recommendation. */
  liveVersions(currency: string): Promise<PricedVersion[]>;
  /** The quotas in force for a subscription (of one meter when given), with their meters. */
  quotasInForce(subject: ForecastSubject, meterId: string | null): Promise<PlacedQuotaRef[]>;
  /** The subscription's hits of one quota in windows starting in `range`, oldest first. */
  quotaHits(subscription: HitsOwner, quota: QuotaRef, range: Interval): Promise<QuotaHit[]>;
  /** The quotas of each plan version. */
  planVersionQuotas(versionIds: readonly string[]): Promise<Map<string, StoredQuota[]>>;
}

/** A quota in force and its meter, as quota rules see it. */
export interface PlacedQuotaRef {
  quota: QuotaInForce;
  meter: { id: string; key: string; name: string; unit: string | null };
}

export type QuotaRef = Pick<QuotaInForce, 'meterId' | 'window' | 'alignment'>;

/** What the on-ingest gate knows of a subscription before any forecast. */
export interface GateFacts {
  subject: ForecastSubject;
  /** Whether the alert (rule, level, meter) already fired in the open interval. */
  fired(ruleId: string, level: string, meterId: string | null): boolean;
  /** The open interval's usage so far by meter id (read for the whole pass, on the first ask). */
  usage(): Promise<ReadonlyMap<string, Decimal>>;
  /** Whether the subscription reached any quota in a window that started within `ms` before now. */
  quotaReachedWithin(ms: number): Promise<boolean>;
}

/**
 * One kind of alert rule, in one file under `rules/`: how it is posted and
 * stored, when it is evaluated, its cheap on-ingest check, its levels and what
 * it fires. `alert-rule-kinds.ts` lists every kind; the evaluator only queues,
 * schedules and runs them.
 */
export interface AlertRuleKind<R extends RuleBasis & { type: string }, S extends z.ZodObject> {
  type: R['type'];
  /** Its body in `POST /v1/alert-rules`, built with `ruleInput` (type, scope, channels, enabled included). */
  input: S;
  /** When the evaluator runs it: for the customers whose usage just moved, and/or on the schedule for everyone. */
  evaluated: { onIngest: boolean; scheduled: boolean };
  /** The parameters to store for a valid input (the meter, a reference, is resolved and stored by the service). */
  toParameters(input: z.output<S>): Partial<RuleParameters>;
  /** The rule back from its stored parameters. */
  fromParameters(basis: RuleBasis, parameters: RuleParameters, meter: MeterRef | null): R;
  /** Its own fields in API responses, as posted (decimal strings). */
  response(rule: R): Record<string, unknown>;
  /**
   * On ingest, before the forecast: whether it may fire something not fired yet
   * in the open interval. Without a cheap test it answers true until it fired.
   */
  mayFire(rule: R, facts: GateFacts): Promise<boolean>;
  /** The alerts it fires for a subscription's forecast (the alerts table's unique key drops repeats). */
  firings(
    rule: R,
    forecast: SubscriptionForecast,
    now: Date,
    sources: RuleSources,
  ): Promise<Firing[]>;
}
