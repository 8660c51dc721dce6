import { toDecimalString } from '../../common/decimal';
import { SubscriptionRecord } from '../subscription.repository';

export function toSubscriptionResponse(subscription: SubscriptionRecord) {
  return {
    id: subscription.id,
    customerExternalId: subscription.customerExternalId,
    plan: subscription.planKey,
    version: subscription.version,
    startDate: subscription.startDate.toISOString(),
    endDate: subscription.endDate?.toISOString() ?? null,
    billingCadence: { ...subscription.billingCadence },
    licenceQuantities: Object.fromEntries(
      subscription.licenceQuantities.map((licence) => [
        licence.billableItemKey,
        toDecimalString(licence.quantity),
      ]),
    ),
    createdAt: subscription.createdAt.toISOString(),
  };
}

export type SubscriptionResponse = ReturnType<typeof toSubscriptionResponse>;
