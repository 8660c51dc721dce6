import { z } from 'zod';
import { Decimal, ZERO } from '../common/decimal';
import { formatMoney } from '../common/money';
import { CustomerRetention } from '../analytics/metrics/customer-retention.repository';
import { Cohort, percentage } from '../analytics/metrics/revenue-metrics';
import { Month } from '../analytics/month';
import { CrmPayload } from './crm-payload';
import { CohortSnapshot } from './crm-provider';
import { JsonValue, NewOutboxMessage } from '../outbox/outbox-message';

export type CohortMessage = Omit<NewOutboxMessage, 'channel'>;

/**
 * Monthly cohort snapshots and the per-customer retention figures that go
 * with them, as `crm` outbox messages. The figures are frozen into the
 * message when it is enqueued: a snapshot says how a cohort stood in a month,
 * and one key is sent once (dedupe key `cohort:${key}`).
 */

const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, { message: 'must be a decimal string' });
const month = z.string().regex(/^\d{4}-\d{2}$/);

export const cohortSnapshotPayloadSchema = z.object({
  kind: z.literal('cohort_snapshot'),
  snapshot: z.object({
    key: z.string().min(1),
    cohortMonth: month,
    asOfMonth: month,
    customers: z.int().nonnegative(),
    startingMrr: decimal,
    currentMrr: decimal,
    nrr: decimal.nullable(),
    grr: decimal.nullable(),
    logosRetained: z.int().nonnegative(),
    currency: z.string().length(3),
  }),
});

/** The kind the delivery routes on; everything else on `crm` is CrmSyncService's. */
export function isCohortSnapshotPayload(payload: unknown): boolean {
  return (
    typeof payload === 'object' &&
    payload !== null &&
    (payload as { kind?: unknown }).kind === 'cohort_snapshot'
  );
}

/**
 * One snapshot per cohort of the analytics cohort table (cohorts up to
 * `asOfMonth`, followed to it). GRR caps each customer at their offset-0 MRR:
 * `cappedMrr` holds Σ min(current, starting) per cohort, which the cohort
 * table does not carry.
 */
export function cohortSnapshots(
  cohorts: readonly Cohort[],
  cappedMrr: ReadonlyMap<Month, Decimal>,
  asOfMonth: Month,
  currency: string,
): CohortSnapshot[] {
  return cohorts.map((cohort) => {
    const current = cohort.months[cohort.months.length - 1];
    return {
      key: `${cohort.cohort}@${asOfMonth}`,
      cohortMonth: cohort.cohort,
      asOfMonth,
      customers: cohort.customers,
      startingMrr: formatMoney(cohort.startingMrr, currency),
      currentMrr: formatMoney(current.mrr, currency),
      nrr: current.revenueRetention,
      grr: percentage(cappedMrr.get(cohort.cohort) ?? ZERO, cohort.startingMrr),
      logosRetained: current.activeCustomers,
      currency,
    };
  });
}

export function snapshotMessage(snapshot: CohortSnapshot): CohortMessage {
  return {
    dedupeKey: `cohort:${snapshot.key}`,
    payload: { kind: 'cohort_snapshot', snapshot: { ...snapshot } },
  };
}

/**
 * The customer's own retention since their cohort month, beside the cohort's:
 * NRR = MRR now / MRR in the cohort month, expansion = the MRR gained since
 * (0 when it shrank). Summed over a cohort they give the snapshot's figures.
 */
export function customerRetentionMessage(
  customer: CustomerRetention,
  asOfMonth: Month,
  currency: string,
): CohortMessage {
  const gained = Decimal.max(customer.currentMrr.minus(customer.startingMrr), ZERO);
  const payload: CrmPayload & JsonValue = {
    kind: 'account_properties',
    customerId: customer.customerId,
    properties: {
      customerNrr: percentage(customer.currentMrr, customer.startingMrr),
      expansionMrr: formatMoney(gained, currency),
    },
  };
  return { dedupeKey: `cohort-customer:${asOfMonth}:${customer.customerId}`, payload };
}
