/**
 * When a plan change takes effect, and which plan version a subscription is on
 * at a given instant. Pure.
 *
 * A subscription keeps the version it was created on (`plan_version_id`) until
 * a plan change takes effect (`subscription_plan_changes.effective_at`): at a
 * billing period boundary, or now, on a whole hour (`midPeriod`).
 */
import { periodContaining, ScheduleInput } from '../common/billing-schedule';

export interface PlanChange {
  planVersionId: string;
  /** Inclusive: the change prices everything from this instant on. */
  effectiveAt: Date;
  /**
   * Taken effect now rather than at a period boundary: its period is priced on
   * both versions, split at effectiveAt (invoicing/plan-phases.ts).
   */
  midPeriod?: boolean;
}

/** The latest change with effectiveAt ≤ at; null while the subscription's own version holds. */
export function changeInEffect<T extends PlanChange>(changes: readonly T[], at: Date): T | null {
  let latest: T | null = null;
  for (const change of changes) {
    if (change.effectiveAt <= at && (latest === null || change.effectiveAt > latest.effectiveAt)) {
      latest = change;
    }
  }
  return latest;
}

/** The plan version id in effect at `at` (e.g. a billing period's start). */
export function versionInEffect(
  subscriptionPlanVersionId: string,
  changes: readonly PlanChange[],
  at: Date,
): string {
  return changeInEffect(changes, at)?.planVersionId ?? subscriptionPlanVersionId;
}

/** The earliest change still to come after `now`, if any. */
export function pendingChange<T extends PlanChange>(changes: readonly T[], now: Date): T | null {
  let earliest: T | null = null;
  for (const change of changes) {
    if (
      change.effectiveAt > now &&
      (earliest === null || change.effectiveAt < earliest.effectiveAt)
    ) {
      earliest = change;
    }
  }
  return earliest;
}

/**
 * Where a plan change asked for at `now` takes effect: the start of the next
 * billing period, so no period is priced by two versions. Before the
 * subscription starts that is its start; null when no period starts after now
 * (the subscription has ended, or the current period is its last).
 */
export function nextPeriodStart(schedule: ScheduleInput, now: Date): Date | null {
  if (now < schedule.subscriptionStart) return schedule.subscriptionStart;
  const current = periodContaining(schedule, now);
  if (current === null) return null;
  const { subscriptionEnd } = schedule;
  return subscriptionEnd !== null && current.end >= subscriptionEnd ? null : current.end;
}
