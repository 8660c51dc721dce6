import { QuotaHitView } from '../quota-hits-view.service';

export function toQuotaHitResponse(hit: QuotaHitView) {
  return {
    customerExternalId: hit.customerExternalId,
    subscriptionId: hit.subscriptionId,
    meter: hit.meterKey,
    window: hit.window,
    alignment: hit.alignment,
    kind: hit.kind,
    quantity: hit.quantity.toFixed(),
    windowStart: hit.hitWindow.start.toISOString(),
    windowEnd: hit.hitWindow.end.toISOString(),
    reachedAt: hit.hitAt.toISOString(),
    peak: hit.peak.toFixed(),
    refused: hit.refused.toFixed(),
  };
}
