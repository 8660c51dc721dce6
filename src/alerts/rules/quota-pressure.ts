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
import { Decimal, ZERO } from '../../common/decimal';
import { Interval } from '../../common/period';

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
