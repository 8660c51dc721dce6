import { toDecimalString } from '../../common/decimal';
import { formatUnrounded } from '../../common/money';
import { CustomerEntitlements, MeterEntitlement } from '../entitlements.service';

export function toMeterEntitlementResponse(entitlement: MeterEntitlement) {
  return {
    meter: entitlement.meter.key,
    allowed: entitlement.allowed,
    quotas: entitlement.quotas.map((answer) => ({
      subscriptionId: answer.quota.subscriptionId,
      window: answer.quota.window,
      alignment: answer.quota.alignment,
      kind: answer.quota.kind,
      overage: answer.quota.overage,
      source: answer.quota.source,
      quantity: answer.quota.quantity.toFixed(),
      used: answer.used.toFixed(),
      remaining: answer.remaining.toFixed(),
      allowed: answer.allowed,
      exceeded: answer.exceeded,
      windowStart: answer.window.start.toISOString(),
      windowEnd: answer.window.end.toISOString(),
      resetsAt: answer.resetsAt.toISOString(),
    })),
    credit: entitlement.credit && {
      currency: entitlement.credit.currency,
      balance: formatUnrounded(entitlement.credit.balance, entitlement.credit.currency),
      prepaidUnits: toDecimalString(entitlement.credit.prepaidUnits),
    },
  };
}

export function toEntitlementsResponse(entitlements: CustomerEntitlements) {
  return {
    customerExternalId: entitlements.customerExternalId,
    checkedAt: entitlements.checkedAt.toISOString(),
    allowed: entitlements.meters.every((meter) => meter.allowed),
    entitlements: entitlements.meters.map(toMeterEntitlementResponse),
  };
}

export function toMeterEntitlementsResponse(entitlements: CustomerEntitlements) {
  const [meter] = entitlements.meters;
  return {
    customerExternalId: entitlements.customerExternalId,
    checkedAt: entitlements.checkedAt.toISOString(),
    ...toMeterEntitlementResponse(meter),
  };
}
