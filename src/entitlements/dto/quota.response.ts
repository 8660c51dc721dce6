import { PlanVersionQuotas, QuotaView, SubscriptionQuotas } from '../quotas.service';

export function toQuotaResponse(quota: QuotaView) {
  return {
    meter: quota.meterKey,
    window: quota.window,
    alignment: quota.alignment,
    quantity: quota.quantity.toFixed(),
    kind: quota.kind,
    overage: quota.overage,
  };
}

export function toPlanQuotasResponse(quotas: PlanVersionQuotas) {
  return {
    plan: quotas.planKey,
    version: quotas.version,
    quotas: quotas.quotas.map(toQuotaResponse),
  };
}

export function toSubscriptionQuotasResponse(quotas: SubscriptionQuotas) {
  return {
    subscriptionId: quotas.subscriptionId,
    quotas: quotas.quotas.map(toQuotaResponse),
    inForce: quotas.inForce.map((quota) => ({ ...toQuotaResponse(quota), source: quota.source })),
  };
}
