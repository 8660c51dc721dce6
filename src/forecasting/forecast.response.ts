import { toDecimalString } from '../common/decimal';
import { ThresholdCrossing } from './time-to-threshold';
import { SubscriptionForecast } from './forecasts.service';

function crossingResponse(crossing: ThresholdCrossing) {
  return {
    status: crossing.status,
    at: crossing.status === 'projected' ? crossing.at.toISOString() : null,
  };
}

export function toForecastResponse(forecast: SubscriptionForecast) {
  return {
    subscriptionId: forecast.subject.subscriptionId,
    customerExternalId: forecast.subject.customerExternalId,
    asOf: forecast.now.toISOString(),
    intervalStart: forecast.interval.start.toISOString(),
    intervalEnd: forecast.interval.end.toISOString(),
    currency: forecast.currency,
    meters: forecast.meters.map((meter) => ({
      meter: meter.meterKey,
      kind: meter.kind,
      method: meter.method,
      quantity: toDecimalString(meter.quantity),
      projected: {
        expected: toDecimalString(meter.projected.expected),
        low: toDecimalString(meter.projected.low),
        high: toDecimalString(meter.projected.high),
      },
      runRate: meter.runRate && toDecimalString(meter.runRate),
      limit: meter.limit && toDecimalString(meter.limit),
      crossings: meter.crossings.map(({ percent, quantity, crossing }) => ({
        percent: toDecimalString(percent),
        quantity: toDecimalString(quantity),
        ...crossingResponse(crossing),
      })),
    })),
    projectedBill: {
      expected: toDecimalString(forecast.projectedBill.expected),
      low: toDecimalString(forecast.projectedBill.low),
      high: toDecimalString(forecast.projectedBill.high),
    },
    runRateBill: toDecimalString(forecast.runRateBill),
  };
}
