import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { licenceQuantitiesOf, licenceQuantityProblems } from '../catalog/licence-quantities';
import { PlanVersionLookup } from '../catalog/plan-version-lookup.service';
import { Decimal } from '../common/decimal';
import { currentServiceInterval, periodContaining } from '../common/billing-schedule';
import { Clock } from '../common/clock';
import { ConflictError, NotFoundError, ValidationFailedError } from '../common/errors';
import { alignToHours, startOfHour } from '../common/hour-alignment';
import { isUuid } from '../common/ids';
import { Cadence, describeCadence } from '../common/period';
import { PlanChangeRecord, PlanChangeRepository } from '../customers/plan-change.repository';
import { changeInEffect } from '../customers/plan-changes';
import {
  fitProblems,
  PlanTarget,
  sameVersionProblems,
  ScheduledPlanChange,
} from '../customers/plan-changes.service';
import { SubscriptionRecord, SubscriptionRepository } from '../customers/subscription.repository';
import { PlanRef } from '../customers/subscription-view';
import { inTransaction, Queryable } from '../database/transaction';
import { BillingPlans } from './billing-plans.service';
import { CreditNoteView } from './credit-note.repository';
import { CreditNotesService } from './credit-notes.service';

export interface ChangeNowInput extends PlanTarget {
  /** When the change took effect (default now), floored to the hour. */
  effectiveAt?: Date;
  /** New quantities by billable item key, from the change on; with them the version may stay the same. */
  licenceQuantities?: Readonly<Record<string, Decimal>>;
  refundToCredit?: boolean;
  /** Who asked: a retry with the same key answers the first change and does nothing. */
  idempotencyKey: string | null;
}

export interface PlanChangeNow extends ScheduledPlanChange {
  /** The notes crediting fees billed in advance for service from the change on. */
  creditNotes: CreditNoteView[];
}

/**
 * Plan changes that take effect now (Stripe's "prorate immediately",
 * https://docs.stripe.com/billing/subscriptions/prorations). The change is a
 * plan phase boundary on a whole hour (usage is kept per hour): the period it
 * falls in is priced on the old version before it and the new one after it
 * (plan-phases.ts), licence fees prorated by time on the period's invoice; a
 * fee already invoiced for service after it is credited (reason
 * `plan_change`). Limits, quotas and alert levels follow at once, since they
 * read the version in effect now (`plan_version_at`, `plan_phase_start`).
 */
@Injectable()
export class SubscriptionChangesService {
  constructor(
    private readonly db: DataSource,
    private readonly subscriptions: SubscriptionRepository,
    private readonly changes: PlanChangeRepository,
    private readonly lookup: PlanVersionLookup,
    private readonly plans: BillingPlans,
    private readonly creditNotes: CreditNotesService,
    private readonly clock: Clock,
  ) {}

  async changeNow(subscriptionId: string, input: ChangeNowInput): Promise<PlanChangeNow> {
    if (!isUuid(subscriptionId)) throw new NotFoundError('subscription', subscriptionId);
    return inTransaction(this.db, async (tx) => {
      // The row lock serializes changes (and ends) of one subscription.
      const subscription = await this.subscriptions.lockById(tx, subscriptionId);
      if (!subscription) throw new NotFoundError('subscription', subscriptionId);
      const changes = await this.changes.findBySubscriptionId(subscription.id, tx);
      if (input.idempotencyKey !== null) {
        const earlier = await this.changes.findByIdempotencyKey(
          subscription.id,
          input.idempotencyKey,
          tx,
        );
        if (earlier) return this.replay(tx, subscription, changes, earlier, input);
      }
      const now = this.clock.now();
      const effectiveAt = startOfHour(input.effectiveAt ?? now);
      const changeInForce = changeInEffect(changes, now);
      const inForce = changeInForce ?? subscription;
      const current: PlanRef = { planKey: inForce.planKey, version: inForce.version };
      const target = await this.lookup.find(input.plan ?? current.planKey, input.version);
      const { serviceInterval } = await this.plans.get(
        inForce.planVersionId,
        subscription.currency,
      );
      const retried = changes.some(
        (change) =>
          change.midPeriod === true &&
          change.effectiveAt.getTime() === effectiveAt.getTime() &&
          change.planVersionId === target.version.id,
      );
      const quantities = input.licenceQuantities ?? {};
      const changesQuantities = Object.keys(quantities).length > 0;
      const problems = [
        ...fitProblems(subscription, target),
        ...(retried || changesQuantities ? [] : sameVersionProblems(current, target)),
        ...licenceQuantityProblems(quantities, target.plan.key, target.version),
        ...serviceIntervalProblems(serviceInterval, target.version.serviceInterval),
      ];
      if (problems.length > 0) throw new ValidationFailedError(problems);
      const earliest = earliestChange(subscription, serviceInterval, now);
      // Nor before the change in force: history is only ever added to at its end.
      const inForceSince = changeInForce?.effectiveAt;
      const from = inForceSince && inForceSince > earliest ? inForceSince : earliest;
      checkEffectiveAt(input.effectiveAt, effectiveAt, from, now);

      await this.changes.save(
        {
          subscriptionId: subscription.id,
          customerId: subscription.customerId,
          planVersionId: target.version.id,
          effectiveAt,
          midPeriod: true,
          idempotencyKey: input.idempotencyKey,
        },
        tx,
      );
      await this.subscriptions.saveLicenceQuantities(
        tx,
        subscription,
        effectiveAt,
        licenceQuantitiesOf(target.version, quantities)
          .filter(({ fee }) => fee.billableItem.key in quantities)
          .map(({ fee, quantity }) => ({ billableItemId: fee.billableItem.id, quantity })),
      );
      // A change now replaces what was scheduled for later: the customer chose the new plan.
      await this.changes.deletePendingAfter(tx, subscription.id, effectiveAt);
      return {
        subscriptionId: subscription.id,
        from: retried ? previousPlan(subscription, changes, effectiveAt) : current,
        to: { planKey: target.plan.key, version: target.version.version },
        effectiveAt,
        creditNotes: await this.creditFeesBilledAhead(tx, subscription.id, effectiveAt, input),
      };
    });
  }

  /** The answer to a retried request: the change it made and its notes (their keys issue nothing again). */
  private async replay(
    tx: Queryable,
    subscription: SubscriptionRecord,
    changes: readonly PlanChangeRecord[],
    earlier: PlanChangeRecord,
    input: ChangeNowInput,
  ): Promise<PlanChangeNow> {
    return {
      subscriptionId: subscription.id,
      from: previousPlan(subscription, changes, earlier.effectiveAt),
      to: { planKey: earlier.planKey, version: earlier.version },
      effectiveAt: earlier.effectiveAt,
      creditNotes: await this.creditFeesBilledAhead(
        tx,
        subscription.id,
        earlier.effectiveAt,
        input,
      ),
    };
  }

  private creditFeesBilledAhead(
    tx: Queryable,
    subscriptionId: string,
    effectiveAt: Date,
    input: ChangeNowInput,
  ): Promise<CreditNoteView[]> {
    return this.creditNotes.creditUnusedFees(tx, subscriptionId, effectiveAt, {
      reason: 'plan_change',
      memo: `plan changed ${effectiveAt.toISOString()}`,
      refundToCredit: input.refundToCredit ?? false,
    });
  }
}

/**
 * The earliest instant a change now may take effect: within the current
 * billing period (not invoiced yet) and the current service interval (its
 * usage not billed yet), on the hour-aligned schedule billing uses.
 */
function earliestChange(
  subscription: SubscriptionRecord,
  serviceInterval: Cadence,
  now: Date,
): Date {
  const schedule = alignToHours({
    subscriptionStart: subscription.startDate,
    subscriptionEnd: subscription.endDate,
    billingCadence: subscription.billingCadence,
    anchorDay: subscription.billingCadence.anchorDay,
    serviceInterval,
  });
  const period = schedule && periodContaining(schedule, now);
  const interval = schedule && currentServiceInterval(schedule, now);
  if (!period || !interval) {
    throw new ConflictError(
      `subscription ${subscription.id} is not running now (${subscription.startDate.toISOString()} to ${subscription.endDate?.toISOString() ?? 'open'}): a change now needs a current period; use effective 'period_end'`,
    );
  }
  return period.start > interval.start ? period.start : interval.start;
}

function checkEffectiveAt(asked: Date | undefined, effectiveAt: Date, from: Date, now: Date): void {
  if (asked !== undefined && asked > now) {
    throw ValidationFailedError.field(
      'effectiveAt',
      `must not be in the future (now is ${now.toISOString()}): schedule a later change with effective 'period_end'`,
    );
  }
  if (effectiveAt < from) {
    throw ValidationFailedError.field(
      'effectiveAt',
      `must be within the current service interval and billing period, and not before the plan change in force: from ${from.toISOString()}`,
    );
  }
}

/** The service interval sets the schedule of usage, limits and grants: it changes only at a period boundary. */
function serviceIntervalProblems(current: Cadence, target: Cadence) {
  if (current.unit === target.unit && current.count === target.count) return [];
  return [
    {
      field: 'version',
      problem: `has a service interval of ${describeCadence(target)}, the subscription's is ${describeCadence(current)}: a change now keeps the service interval; use effective 'period_end'`,
    },
  ];
}

function previousPlan(
  subscription: SubscriptionRecord,
  changes: readonly PlanChangeRecord[],
  effectiveAt: Date,
): PlanRef {
  const before = changeInEffect(
    changes.filter((change) => change.effectiveAt < effectiveAt),
    effectiveAt,
  );
  const from = before ?? subscription;
  return { planKey: from.planKey, version: from.version };
}
