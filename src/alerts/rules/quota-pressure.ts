/**
 * quota_pressure: a subscription reached a quota N times within M consecutive
 * windows of it (say 5 hourly caps in a week). Pure.
 *
 * The M windows are fixed sets, not a sliding range, so the rule fires once per
 * set and re-arms in the next: sets of M windows counted from Monday
 * 1970-01-05 00:00 UTC, so 168 hours or 7 days make the ISO week and 24 hours
 * the UTC day. Only hour, day and week quotas count (a service-interval quota
 * is what usage_threshold watches).
 */
import { wholeNumberField } from '../../catalog/dto/fields';
import { Decimal, toDecimalString, ZERO } from '../../common/decimal';
import { Interval } from '../../common/period';
import { keyField } from '../../common/validation';
import { SubscriptionForecast } from '../../forecasting/forecasts.service';
import { EmailMessage } from '../../notifications/email-message';
import { MeterRef, RuleBasis } from '../alert-rule';
import { AlertRuleKind, PlacedQuotaRef, requiredParameter, RuleSources } from '../alert-rule-kind';
import { AlertChannel } from '../alert-rule';
import { ruleInput } from '../dto/alert-rule-input.schema';
import { baseAlert, Firing } from '../firing';
import {
  intervalsPerYear,
  PricedCandidate,
  Recommendation,
  recommendPlan,
} from '../recommendation';

const HOUR_MS = 3_600_000;
const WINDOW_MS = { hour: HOUR_MS, day: 24 * HOUR_MS, week: 7 * 24 * HOUR_MS } as const;
const MONDAY_EPOCH_MS = 4 * 24 * HOUR_MS;

export type PressureWindow = keyof typeof WINDOW_MS;

export function isPressureWindow(window: string): window is PressureWindow {
  return window in WINDOW_MS;
}

/** The set of `windows` consecutive windows that contains `at`. */
export function windowSetAt(window: PressureWindow, windows: number, at: Date): Interval {
  const length = WINDOW_MS[window] * windows;
  const start = Math.floor((at.getTime() - MONDAY_EPOCH_MS) / length) * length + MONDAY_EPOCH_MS;
  return { start: new Date(start), end: new Date(start + length) };
}

export interface HitFigures {
  /** When the quota was reached, and the window it was reached in. */
  hitAt: Date;
  windowEnd: Date;
  /** Highest usage seen in the window, and what enforcement refused on top of it. */
  peak: Decimal;
  refused: Decimal;
}

export interface Pressure {
  capsHit: number;
  /** Hours between reaching the quota and the window's reset, summed: time spent at the cap. */
  hoursThrottled: Decimal;
  /** The most the customer asked for in one window: usage plus what was refused. */
  peakDemand: Decimal;
}

export function pressureOf(hits: readonly HitFigures[]): Pressure {
  let hoursThrottled = ZERO;
  let peakDemand = ZERO;
  for (const hit of hits) {
    const atCapMs = Math.max(0, hit.windowEnd.getTime() - hit.hitAt.getTime());
    hoursThrottled = hoursThrottled.plus(new Decimal(atCapMs).div(HOUR_MS));
    peakDemand = Decimal.max(peakDemand, hit.peak.plus(hit.refused));
  }
  return { capsHit: hits.length, hoursThrottled: hoursThrottled.toDecimalPlaces(2), peakDemand };
}

export function isUnderPressure(capsHit: number, threshold: number): boolean {
  return capsHit >= threshold;
}

/**
 * Whether a plan version's quotas would have held a peak: its quota of the
 * same meter and window is at least the peak, or it has no quota on that
 * window of the meter at all (nothing caps it).
 */
export function quotasHold(
  quotas: ReadonlyArray<{ meterId: string; window: string; alignment: string; quantity: Decimal }>,
  quota: { meterId: string; window: string; alignment: string },
  peak: Decimal,
): boolean {
  const same = quotas.find(
    (candidate) =>
      candidate.meterId === quota.meterId &&
      candidate.window === quota.window &&
      candidate.alignment === quota.alignment,
  );
  return same === undefined || same.quantity.gte(peak);
}

export interface QuotaPressureRule extends RuleBasis {
  type: 'quota_pressure';
  /** N: quota hits that make pressure… */
  hits: number;
  /** …within a set of M consecutive windows of the quota. */
  windows: number;
  meter: MeterRef | null;
}

const input = ruleInput('quota_pressure', {
  hits: wholeNumberField(1, 10_000).default(5),
  // 5 hourly caps in a week: hits 5 within 168 windows.
  windows: wholeNumberField(1, 10_000).default(168),
  meter: keyField.optional(),
})
  .extend({
    // Pressure is a sales signal first: the customer hears of it, the owner gets a task and a deal.
    channels: ruleInput('quota_pressure', {}).shape.channels.default((): AlertChannel[] => [
      'email',
      'crm_task',
      'crm_opportunity',
    ]),
  })
  .refine((rule) => rule.windows >= rule.hits, {
    path: ['windows'],
    error: 'must be at least hits: a quota is reached at most once per window',
  });

/** quota_pressure: a customer keeps hitting a quota, the clearest upsell signal there is. */
export const quotaPressure: AlertRuleKind<QuotaPressureRule, typeof input> = {
  type: 'quota_pressure',
  input,
  // Evaluated after ingestion and again when quota hits are stored (EntitlementsModule's QuotaHitsService).
  evaluated: { onIngest: true, scheduled: false },
  toParameters: (rule) => ({ hits: rule.hits, windows: rule.windows }),
  fromParameters: (basis, parameters, meter) => ({
    ...basis,
    type: 'quota_pressure',
    meter,
    hits: requiredParameter(parameters.hits, 'hits', basis.id),
    windows: requiredParameter(parameters.windows, 'windows', basis.id),
  }),
  response: (rule) => ({ hits: rule.hits, windows: rule.windows, meter: rule.meter?.key ?? null }),
  // A set of windows lasts at most `windows` weeks: no quota reached since then, nothing to count.
  mayFire: (rule, facts) => facts.quotaReachedWithin(rule.windows * WINDOW_MS.week),
  async firings(rule, forecast, now, sources) {
    const firings: Firing[] = [];
    const subject = forecast.subject;
    for (const placed of await sources.quotasInForce(subject, rule.meter?.id ?? null)) {
      const { quota } = placed;
      if (!isPressureWindow(quota.window)) continue;
      const set = windowSetAt(quota.window, rule.windows, now);
      const hits = await sources.quotaHits(subject, quota, set);
      if (!isUnderPressure(hits.length, rule.hits)) continue;
      const pressure = pressureOf(
        hits.map((hit) => ({
          hitAt: hit.hitAt,
          windowEnd: hit.hitWindow.end,
          peak: hit.peak,
          refused: hit.refused,
        })),
      );
      const holding = await planHolding(forecast, quota, pressure.peakDemand, sources);
      firings.push(pressureFiring(rule, forecast, now, placed, set, pressure, holding));
    }
    return firings;
  },
};

interface Holding {
  recommendation: Recommendation;
  /** The recommended plan's quota on the window (null: it has none, nothing caps the meter). */
  upgradeQuota: Decimal | null;
}

function pressureFiring(
  rule: QuotaPressureRule,
  forecast: SubscriptionForecast,
  now: Date,
  { quota, meter }: PlacedQuotaRef,
  set: Interval,
  pressure: Pressure,
  holding: Holding | null,
): Firing {
  const window = quota.window as PressureWindow;
  const upgrade =
    holding?.recommendation.action === 'upgrade' ? holding.recommendation.recommended : null;
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
    // Once per rule and set of windows: the set is the alert's interval (part of its unique key).
    intervalStart: set.start,
    intervalEnd: set.end,
  };
  const email = (id: string): EmailMessage => ({
    dedupeKey: `alert:${id}`,
    customerId: forecast.subject.customerId,
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
        quota: holding?.upgradeQuota ?? null,
        projectedBill: upgrade.cost,
      },
    },
  });
  return {
    alert,
    email,
    recommendation: holding?.recommendation ?? null,
    quotaPressure: {
      window,
      capsHit: pressure.capsHit,
      hoursThrottled: pressure.hoursThrottled,
    },
  };
}

/**
 * The cheapest live plan version (in the plan's currency) whose quotas would
 * have held the busiest window, priced like any recommendation: one service
 * interval at the projected usage, against the current plan.
 */
async function planHolding(
  forecast: SubscriptionForecast,
  quota: { meterId: string; window: string; alignment: string },
  peak: Decimal,
  sources: RuleSources,
): Promise<Holding | null> {
  const current = forecast.pricing;
  if (current === null) return null;
  const projected = new Map(
    forecast.meters.map((meter) => [meter.meterKey, meter.projected.expected]),
  );
  const live = await sources.liveVersions(forecast.currency);
  const versions = [
    current,
    ...live.filter((version) => version.version.id !== current.version.id),
  ];
  const quotasOf = await sources.planVersionQuotas(versions.map((version) => version.version.id));
  const sameQuota = (versionId: string) =>
    (quotasOf.get(versionId) ?? []).find(
      (candidate) =>
        candidate.meterId === quota.meterId &&
        candidate.window === quota.window &&
        candidate.alignment === quota.alignment,
    );
  const candidates = versions.map((version): PricedCandidate => ({
    planKey: version.planKey,
    version: version.version.version,
    cost: sources.priceOn(forecast, version, projected),
    fits: quotasHold(quotasOf.get(version.version.id) ?? [], quota, peak),
  }));
  const recommendation = recommendPlan(
    candidates[0],
    candidates,
    intervalsPerYear(forecast.subject.schedule.serviceInterval),
  );
  const chosen = recommendation.recommended;
  const chosenVersion =
    chosen &&
    versions.find(
      (version) => version.planKey === chosen.planKey && version.version.version === chosen.version,
    );
  return {
    recommendation,
    upgradeQuota: chosenVersion ? (sameQuota(chosenVersion.version.id)?.quantity ?? null) : null,
  };
}
