import { currentServiceInterval, ScheduleInput } from '../common/billing-schedule';
import { alignToHours } from '../common/hour-alignment';
import { Interval } from '../common/period';

/**
 * The service interval open at `now`, on whole hours as usage is kept; null
 * before the subscription starts, once it has ended, or for a schedule that
 * cannot be aligned to hours.
 */
export function openServiceInterval(
  schedule: ScheduleInput,
  now: Date,
): { schedule: ScheduleInput; interval: Interval } | null {
  const aligned = alignToHours(schedule);
  const interval = aligned && currentServiceInterval(aligned, now);
  return aligned && interval ? { schedule: aligned, interval } : null;
}
