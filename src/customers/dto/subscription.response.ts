import { toDecimalString } from '../../common/decimal';
import { SubscriptionView } from '../subscription-view';

export function toSubscriptionResponse({
  subscription,
  current,
  pendingPlanChange,
}: SubscriptionView) {
  return {
    id: subscription.id,
    customerExternalId: subscription.customerExternalId,
    plan: current.planKey,
    version: current.version,
    currency: subscription.currency,
    startDate: subscription.startDate.toISOString(),
    endDate: subscription.endDate?.toISOString() ?? null,
    billingCadence: { ...subscription.billingCadence },
    licenceQuantities: Object.fromEntries(
      subscription.licenceQuantities.map((licence) => [
        licence.billableItemKey,
        toDecimalString(licence.quantity),
      ]),
    ),
    pendingPlanChange: pendingPlanChange && {
      plan: pendingPlanChange.planKey,
      version: pendingPlanChange.version,
      effectiveAt: pendingPlanChange.effectiveAt.toISOString(),
    },
    createdAt: subscription.createdAt.toISOString(),
  };
}

export type SubscriptionResponse = ReturnType<typeof toSubscriptionResponse>;
