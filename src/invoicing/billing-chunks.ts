/**
 * How a billing run cuts its work into chunks. Pure.
 *
 * A chunk of subscriptions is billed in one transaction per round, each round
 * billing the next due period of every subscription of the chunk, so the
 * per-invoice reads and writes go as one set-based statement per chunk
 * (invoice-chunk.service.ts) while periods of one subscription stay in order.
 */
import { Interval } from '../common/period';
import { BillableSubscription } from './billable-subscription';
import { duePeriods } from './subscription-schedule';

export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) {
    chunks.push(items.slice(start, start + size));
  }
  return chunks;
}

/** The period a round bills for one subscription, and whether more are due after it. */
export interface NextPeriod {
  subscription: BillableSubscription;
  period: Interval;
  moreDue: boolean;
}

/** The first due period of each subscription that has one, given where its invoices stop. */
export function nextPeriods(
  subscriptions: readonly BillableSubscription[],
  invoicedUntil: ReadonlyMap<string, Date>,
  billedUntil: Date,
): NextPeriod[] {
  return subscriptions.flatMap((subscription) => {
    const due = duePeriods(subscription, invoicedUntil.get(subscription.id) ?? null, billedUntil);
    return due.length === 0 ? [] : [{ subscription, period: due[0], moreDue: due.length > 1 }];
  });
}
