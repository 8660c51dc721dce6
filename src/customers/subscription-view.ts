import { PlanChangeRecord } from './plan-change.repository';
import { changeInEffect, pendingChange } from './plan-changes';
import { SubscriptionRecord } from './subscription.repository';

export interface PlanRef {
  planKey: string;
  version: number;
}

/** A subscription as the API shows it at one instant. */
export interface SubscriptionView {
  subscription: SubscriptionRecord;
  /** The plan version in effect: the subscription's own until a plan change takes effect. */
  current: PlanRef;
  /** The change still to come, if any. */
  pendingPlanChange: PlanChangeRecord | null;
}

export function subscriptionView(
  subscription: SubscriptionRecord,
  changes: readonly PlanChangeRecord[],
  now: Date,
): SubscriptionView {
  const inEffect = changeInEffect(changes, now) ?? subscription;
  return {
    subscription,
    current: { planKey: inEffect.planKey, version: inEffect.version },
    pendingPlanChange: pendingChange(changes, now),
  };
}
