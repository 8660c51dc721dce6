import { toDecimalString } from '../../common/decimal';
import { SubscriptionUsage } from '../usage.service';

/** Decimals as plain strings without trailing zeros: "812000", "81.2", "100". */
export function toCustomerUsageResponse(subscriptions: SubscriptionUsage[]) {
  return {
    subscriptions: subscriptions.map((subscription) => ({
      subscriptionId: subscription.subscriptionId,
      intervalStart: subscription.intervalStart.toISOString(),
      intervalEnd: subscription.intervalEnd.toISOString(),
      meters: subscription.meters.map((meter) => ({
        meter: meter.meterKey,
        quantity: toDecimalString(meter.quantity),
        limit: meter.limit && toDecimalString(meter.limit),
        percentOfLimit: meter.percentOfLimit && toDecimalString(meter.percentOfLimit),
        byDimensions: meter.byDimensions.map((entry) => ({
          dimensions: entry.dimensions,
          quantity: toDecimalString(entry.quantity),
        })),
      })),
    })),
  };
}
