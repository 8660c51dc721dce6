import { ScheduleInput } from './billing-schedule';

export const HOUR_MS = 3_600_000;

export function startOfHour(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

export function isWholeHour(at: Date): boolean {
  return at.getTime() % HOUR_MS === 0;
}

/**
 * Usage is kept per hour, so it is measured over whole hours: a subscription's
 * start and end are floored to the hour before its service intervals are
 * computed, which makes every interval boundary a whole hour (hour, day, week,
 * month and anchor-day steps from a whole hour stay whole hours). Flooring the
 * end too, rather than rounding it up, keeps a subscription and the one that
 * replaces it within the same hour from both counting that hour: it belongs to
 * the new one. A subscription that lies within a single hour has no whole hour
 * and gets null.
 */
export function alignToHours(input: ScheduleInput): ScheduleInput | null {
  const subscriptionStart = startOfHour(input.subscriptionStart);
  const subscriptionEnd = input.subscriptionEnd && startOfHour(input.subscriptionEnd);
  if (subscriptionEnd !== null && subscriptionEnd <= subscriptionStart) return null;
  return { ...input, subscriptionStart, subscriptionEnd };
}
