import { Injectable } from '@nestjs/common';
import { PlanVersionFound, PlanVersionLookup } from '../catalog/plan-version-lookup.service';
import { billedCurrencies } from '../catalog/plan-version-currencies';
import { Clock } from '../common/clock';
import { CustomerListeners } from '../common/customer-listeners.service';
import { ConflictError, FieldProblem, ValidationFailedError } from '../common/errors';
import { describeCadence, isLongerThan } from '../common/period';
import { PlanChangeRepository } from './plan-change.repository';
import { nextPeriodStart } from './plan-changes';
import { SubscriptionRecord } from './subscription.repository';
import { PlanRef } from './subscription-view';
import { SubscriptionsService } from './subscriptions.service';

/** The version asked for: a plan key (default: the current plan) and a version (default: its live one). */
export interface PlanTarget {
  plan?: string;
  version?: number;
}

export interface ScheduledPlanChange {
  subscriptionId: string;
  from: PlanRef;
  to: PlanRef;
  effectiveAt: Date;
}

/**
 * Migrations between plan versions at the next billing period boundary, so the
 * period (and its invoice) is priced by one version; asking again before that
 * boundary replaces the pending change. Changes now, prorated, are
 * invoicing/subscription-changes.service.ts.
 */
@Injectable()
export class PlanChangesService {
  constructor(
    private readonly subscriptions: SubscriptionsService,
    private readonly lookup: PlanVersionLookup,
    private readonly changes: PlanChangeRepository,
    private readonly clock: Clock,
    private readonly listeners: CustomerListeners,
  ) {}

  async schedule(subscriptionId: string, input: PlanTarget): Promise<ScheduledPlanChange> {
    const { subscription, current } = await this.subscriptions.get(subscriptionId);
    const target = await this.lookup.find(input.plan ?? current.planKey, input.version);
    const problems = [
      ...fitProblems(subscription, target),
      ...sameVersionProblems(current, target),
    ];
    if (problems.length > 0) throw new ValidationFailedError(problems);

    const effectiveAt = nextPeriodStart(
      {
        subscriptionStart: subscription.startDate,
        subscriptionEnd: subscription.endDate,
        billingCadence: subscription.billingCadence,
        anchorDay: subscription.billingCadence.anchorDay,
        // Billing periods do not depend on it; the new version's, checked above, fits the cadence.
        serviceInterval: target.version.serviceInterval,
      },
      this.clock.now(),
    );
    if (effectiveAt === null) {
      throw new ConflictError(
        `subscription ${subscription.id} has no billing period after the current one: it ends ${subscription.endDate?.toISOString()}`,
      );
    }
    await this.changes.save({
      subscriptionId: subscription.id,
      customerId: subscription.customerId,
      planVersionId: target.version.id,
      effectiveAt,
    });
    this.listeners.changed([subscription.customerId]);
    return {
      subscriptionId: subscription.id,
      from: current,
      to: { planKey: target.plan.key, version: target.version.version },
      effectiveAt,
    };
  }
}

/** A subscription bills in one currency for its whole life, so the version it moves to must price it. */
function currencyProblems(
  subscription: SubscriptionRecord,
  target: PlanVersionFound,
): FieldProblem[] {
  const currencies = billedCurrencies(target.plan.currency, target.version.currencies);
  if (currencies.includes(subscription.currency)) return [];
  return [
    {
      field: target.plan.key === subscription.planKey ? 'version' : 'plan',
      problem: `plan '${target.plan.key}' version ${target.version.version} bills in ${currencies.join(', ')}; the subscription bills in ${subscription.currency}`,
    },
  ];
}

/** Usage is billed per completed service interval, so an interval may not outlast the billing period. */
function cadenceProblems(
  subscription: SubscriptionRecord,
  target: PlanVersionFound,
): FieldProblem[] {
  const { serviceInterval } = target.version;
  const cadence = subscription.billingCadence;
  if (!isLongerThan(serviceInterval, cadence)) return [];
  return [
    {
      field: 'version',
      problem: `plan '${target.plan.key}' version ${target.version.version} has a service interval (${describeCadence(serviceInterval)}) longer than the subscription's billing cadence (${describeCadence(cadence)})`,
    },
  ];
}

/** Whether the subscription can move to the version at all: its currency, a service interval within its cadence. */
export function fitProblems(
  subscription: SubscriptionRecord,
  target: PlanVersionFound,
): FieldProblem[] {
  return [...currencyProblems(subscription, target), ...cadenceProblems(subscription, target)];
}

/** Moving to the version the subscription is on changes nothing: refused. */
export function sameVersionProblems(current: PlanRef, target: PlanVersionFound): FieldProblem[] {
  if (current.planKey !== target.plan.key || current.version !== target.version.version) return [];
  return [
    {
      field: 'version',
      problem: `is the version the subscription is on (plan '${current.planKey}' version ${current.version})`,
    },
  ];
}
