import { Decimal, toDecimalString } from '../common/decimal';
import { Accuracy } from './backtest';
import { AccuracyReport } from './forecast-accuracy.service';

/** WAPE in percent with two decimals, or null when the scored intervals had no usage. */
const wape = (value: Decimal | null) => ({
  wape: value && toDecimalString(value.toDecimalPlaces(2)),
});

function accuracyResponse(accuracy: Accuracy) {
  return {
    method: wape(accuracy.methodWape),
    runRate: wape(accuracy.runRateWape),
    forecasts: accuracy.forecasts,
  };
}

export function toAccuracyResponse(report: AccuracyReport) {
  return {
    ...accuracyResponse(report),
    byMeter: report.byMeter.map((meter) => ({
      meter: meter.meterKey,
      ...accuracyResponse(meter),
    })),
  };
}
