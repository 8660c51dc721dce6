import { AlertRecord } from '../alerts.repository';

/** The contract's fields (API.md, Alerts), then the figures and details behind the alert. */
export function toAlertResponse(alert: AlertRecord) {
  return {
    id: alert.id,
    rule: alert.ruleType,
    customerExternalId: alert.customerExternalId,
    subscriptionId: alert.subscriptionId,
    meter: alert.meterKey,
    level: alert.level,
    quantity: alert.quantity,
    limit: alert.limit,
    intervalStart: alert.intervalStart.toISOString(),
    firedAt: alert.firedAt.toISOString(),
    channels: alert.channels,
    intervalEnd: alert.intervalEnd.toISOString(),
    amount: alert.amount,
    thresholdAmount: alert.thresholdAmount,
    currency: alert.currency,
    details: alert.details,
  };
}
