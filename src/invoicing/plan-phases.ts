/**
 * Which plan version prices each part of a billing period. Pure.
 *
 * A change at a period boundary prices whole periods: every interval the
 * period bills takes the version in effect at the period start (usage of an
 * interval carried in from the previous period included, as before changes
 * now existed). A change now (`midPeriod`, on a whole hour) splits each
 * service interval it falls in: the part before it is priced on the old
 * version, the part from it on the new one, each part's licence fee prorated
 * by time against the full interval (billing-schedule.ts, "Proration"), the
 * way Stripe prorates an upgrade by the second
 * (https://docs.stripe.com/billing/subscriptions/prorations).
 *
 * Licence fees are billed in advance by the period in which a part starts, so
 * the part from a change belongs to the period of the change: when the part
 * before it was already invoiced as a whole interval, the unused share of that
 * fee is credited by a credit note (credit-note-lines.ts, unusedFees).
 */
import {
  LicenceInterval,
  ScheduleInput,
  serviceIntervalProration,
  serviceIntervalsBetween,
} from '../common/billing-schedule';
import { Decimal } from '../common/decimal';
import { Interval } from '../common/period';
import { DEFAULT_LICENCE_QUANTITY } from '../catalog/licence-quantities';
import { BillableSubscription } from './billable-subscription';
import { PlanChange, versionInEffect } from '../customers/plan-changes';

/** What decides the version of each part: the subscription's own version and its changes. */
export interface PlanHistory {
  planVersionId: string;
  planChanges: readonly PlanChange[];
}

export interface PhasedInterval extends Interval {
  planVersionId: string;
}

export type PhasedLicenceInterval = LicenceInterval & PhasedInterval;

/** The instants where changes now split intervals, oldest first. */
export function midPeriodBoundaries(changes: readonly PlanChange[]): Date[] {
  return changes
    .filter((change) => change.midPeriod === true)
    .map((change) => change.effectiveAt)
    .sort((a, b) => a.getTime() - b.getTime());
}

/** The interval cut at every boundary strictly inside it, in order. */
export function splitAt(interval: Interval, boundaries: readonly Date[]): Interval[] {
  const cuts = boundaries.filter((at) => at > interval.start && at < interval.end);
  const points = [interval.start, ...cuts, interval.end];
  return points.slice(1).map((end, index) => ({ start: points[index], end }));
}

/** The usage intervals a period bills, split at changes now, each with its version. */
export function phasedUsage(
  history: PlanHistory,
  period: Interval,
  usageIntervals: readonly Interval[],
): PhasedInterval[] {
  const boundaries = midPeriodBoundaries(history.planChanges);
  return usageIntervals
    .flatMap((interval) => splitAt(interval, boundaries))
    .map((part) => ({ ...part, planVersionId: versionOf(history, period, part) }));
}

/**
 * The licence fee parts a period bills in advance: the parts of service
 * intervals, split at changes now, that start in it, prorated, each with its
 * version. Without changes now, these are the intervals that start in it.
 */
export function phasedLicences(
  history: PlanHistory,
  schedule: ScheduleInput,
  period: Interval,
): PhasedLicenceInterval[] {
  const boundaries = midPeriodBoundaries(history.planChanges);
  return serviceIntervalsBetween(schedule, period.start, period.end)
    .flatMap((interval) => splitAt(interval, boundaries))
    .filter((part) => part.start >= period.start && part.start < period.end)
    .map((part) => ({
      ...part,
      prorationFactor: serviceIntervalProration(schedule, part),
      planVersionId: versionOf(history, period, part),
    }));
}

/** A part carried in from before the period takes the period's version: boundary changes price whole periods. */
function versionOf(history: PlanHistory, period: Interval, part: Interval): string {
  const at = part.start > period.start ? part.start : period.start;
  return versionInEffect(history.planVersionId, history.planChanges, at);
}

/**
 * The licence quantity of an item at `at`: the latest quantity changed now by
 * then, else the one subscribed; a fee of a version the subscription moved to
 * has no stored quantity and is billed once, as at subscription.
 */
export function licenceQuantityAt(
  subscription: Pick<BillableSubscription, 'licenceQuantities' | 'licenceChanges'>,
  billableItemId: string,
  at: Date,
): Decimal {
  let latest: { quantity: Decimal; effectiveAt: Date } | null = null;
  for (const change of subscription.licenceChanges ?? []) {
    if (
      change.billableItemId === billableItemId &&
      change.effectiveAt <= at &&
      (latest === null || change.effectiveAt > latest.effectiveAt)
    ) {
      latest = change;
    }
  }
  return (
    latest?.quantity ??
    subscription.licenceQuantities.get(billableItemId) ??
    DEFAULT_LICENCE_QUANTITY
  );
}
