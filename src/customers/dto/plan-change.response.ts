import { ScheduledPlanChange } from '../plan-changes.service';

export function toPlanChangeResponse(change: ScheduledPlanChange) {
  return {
    subscriptionId: change.subscriptionId,
    fromPlan: change.from.planKey,
    fromVersion: change.from.version,
    toPlan: change.to.planKey,
    toVersion: change.to.version,
    effectiveAt: change.effectiveAt.toISOString(),
  };
}

export type PlanChangeResponse = ReturnType<typeof toPlanChangeResponse>;
