/**
 * The credit lots that a subscription's plan credit grants issue. Pure.
 *
 * One lot per grant and service interval, valid from the interval's start. A
 * grant that expires after n intervals stops being usable at the end of the n-th
 * service interval counted from the one it was issued for (1 = the end of that
 * same interval); when the subscription ends sooner, with the subscription (the
 * end of its last, cut interval). Without expiry, the lot never expires.
 */
import { Decimal } from '../common/decimal';
import { Interval } from '../common/period';
import { currentServiceInterval, ScheduleInput } from '../common/billing-schedule';

/**
 * A plan's lot for one subscription and window: a credit grant's for a service
 * interval (grant-lots.ts), or a prepaid commitment's for its window
 * (src/invoicing/commitment-lines.ts); credit-ledger.repository.ts issues it.
 */
export interface NewGrantLot {
  customerId: string;
  subscriptionId: string;
  /** The plan credit grant it is issued from; null for a prepaid commitment's lot. */
  planCreditGrantId: string | null;
  name: string;
  currency: string;
  amount: Decimal;
  /** Billable item ids. */
  appliesTo: string[];
  validFrom: Date;
  expiresAt: Date | null;
}

export interface GrantToIssue {
  /** The plan credit grant's row id. */
  id: string;
  name: string;
  amount: Decimal;
  /** Billable item ids. */
  appliesTo: string[];
  expiresAfterIntervals: number | null;
}

export interface GrantLotsInput {
  customerId: string;
  subscriptionId: string;
  currency: string;
  schedule: ScheduleInput;
  grants: readonly GrantToIssue[];
  /** Service intervals of `schedule`. */
  intervals: readonly Interval[];
}

export function grantLotsForIntervals(input: GrantLotsInput): NewGrantLot[] {
  return input.intervals.flatMap((interval) =>
    input.grants.map((grant) => ({
      customerId: input.customerId,
      subscriptionId: input.subscriptionId,
      planCreditGrantId: grant.id,
      name: grant.name,
      currency: input.currency,
      amount: grant.amount,
      appliesTo: grant.appliesTo,
      validFrom: interval.start,
      expiresAt: expiryAfterIntervals(input.schedule, interval, grant.expiresAfterIntervals),
    })),
  );
}

/** The end of the n-th service interval counted from `interval` (1 = its own end), or the subscription's end if sooner. */
export function expiryAfterIntervals(
  schedule: ScheduleInput,
  interval: Interval,
  intervals: number | null,
): Date | null {
  if (intervals === null) return null;
  let last = interval;
  for (let counted = 1; counted < intervals; counted++) {
    // Walk the series itself: month-end anchors and a cut last interval stay exact.
    const next = currentServiceInterval(schedule, last.end);
    if (next === null) break;
    last = next;
  }
  return last.end;
}
