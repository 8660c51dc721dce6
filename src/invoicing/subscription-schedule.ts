/**
 * A subscription's billing periods and service intervals, on whole hours.
 *
 * Usage is kept per hour, so invoicing works on the schedule that metering uses
 * (alignToHours: start and end floored to the hour); periods, intervals and
 * licence proration are all computed on it, and the invoice of a period is keyed
 * by the aligned period start.
 */
import { Cadence, Interval } from '../common/period';
import { alignToHours } from '../common/hour-alignment';
import { BillableSubscription } from './billable-subscription';
import { billingPeriods, periodContaining, ScheduleInput } from '../common/billing-schedule';

/** The subscription's schedule under a plan version's service interval; null if it lasts under an hour. */
export function scheduleOf(
  subscription: BillableSubscription,
  serviceInterval: Cadence,
): ScheduleInput | null {
  return alignToHours({
    subscriptionStart: subscription.start,
    subscriptionEnd: subscription.end,
    billingCadence: subscription.billingCadence,
    anchorDay: subscription.anchorDay,
    serviceInterval,
  });
}

/**
 * Billing periods do not depend on the service interval (which may change with
 * the plan version), so they are computed with the cadence standing in for it.
 */
function periodSchedule(subscription: BillableSubscription): ScheduleInput | null {
  return scheduleOf(subscription, subscription.billingCadence);
}

/**
 * The periods a billing run invoices: ended at or before `cutoff`, after the
 * last invoiced one (`invoicedUntil`, the end of the latest invoice's period), in order.
 */
export function duePeriods(
  subscription: BillableSubscription,
  invoicedUntil: Date | null,
  cutoff: Date,
): Interval[] {
  const schedule = periodSchedule(subscription);
  if (!schedule) return [];
  const from = invoicedUntil ?? schedule.subscriptionStart;
  return billingPeriods(schedule, from, cutoff).filter(
    (period) => period.start >= from && period.end <= cutoff,
  );
}

/**
 * The period an upcoming invoice previews at `now`: the one containing it, or the
 * first one before the subscription starts; null once the subscription has ended.
 */
export function upcomingPeriod(subscription: BillableSubscription, now: Date): Interval | null {
  const schedule = periodSchedule(subscription);
  if (!schedule) return null;
  const at = now < schedule.subscriptionStart ? schedule.subscriptionStart : now;
  return periodContaining(schedule, at);
}
