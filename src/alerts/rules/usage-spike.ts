import { Decimal, sumDecimals, toDecimalString } from '../../common/decimal';
import { decimalField, keyField } from '../../common/validation';
import { denseDays } from '../../forecasting/dense-days';
import { addDays, startOfUtcDay } from '../../forecasting/utc-days';
import { meterDetails } from '../alert-facts.service';
import { AlertRuleKind, requiredParameter } from '../alert-rule-kind';
import { MeterRef, RuleBasis } from '../alert-rule';
import { ruleInput } from '../dto/alert-rule-input.schema';
import { baseAlert, Firing } from '../firing';

export interface UsageSpikeRule extends RuleBasis {
  type: 'usage_spike';
  multiplier: Decimal;
  meter: MeterRef | null;
}

/** The trailing window a day is compared with. */
export const SPIKE_TRAILING_DAYS = 7;

/**
 * A spike: the day's usage at least `multiplier` × the mean of the trailing
 * days before it. Without a full trailing week, or with an idle one, there is
 * no habit to break yet, so nothing fires.
 */
export function isUsageSpike(
  day: Decimal,
  trailingDays: readonly Decimal[],
  multiplier: Decimal,
): boolean {
  if (trailingDays.length < SPIKE_TRAILING_DAYS) return false;
  const window = trailingDays.slice(-SPIKE_TRAILING_DAYS);
  const mean = sumDecimals(window).div(window.length);
  return mean.gt(0) && day.gte(mean.times(multiplier));
}

const input = ruleInput('usage_spike', {
  multiplier: decimalField({ allowNumber: true, positive: true }).refine((m) => m.gt(1), {
    error: 'must be greater than 1',
  }),
  meter: keyField.optional(),
});

/** usage_spike: yesterday's usage of a cumulative meter against its trailing week, checked on the schedule. */
export const usageSpike: AlertRuleKind<UsageSpikeRule, typeof input> = {
  type: 'usage_spike',
  input,
  evaluated: { onIngest: false, scheduled: true },
  toParameters: (rule) => ({ multiplier: rule.multiplier }),
  fromParameters: (basis, parameters, meter) => ({
    ...basis,
    type: 'usage_spike',
    meter,
    multiplier: requiredParameter(parameters.multiplier, 'multiplier', basis.id),
  }),
  response: (rule) => ({
    multiplier: toDecimalString(rule.multiplier),
    meter: rule.meter?.key ?? null,
  }),
  mayFire: async () => true,
  async firings(rule, forecast, now, sources) {
    const today = startOfUtcDay(now);
    const firstDay = addDays(today, -(SPIKE_TRAILING_DAYS + 1));
    const totals = await sources.dailyTotals(forecast.subject.customerId, firstDay, today);
    return forecast.meters
      .filter(
        (meter) =>
          meter.kind === 'cumulative' && (rule.meter === null || rule.meter.id === meter.meterId),
      )
      .flatMap((meter): Firing[] => {
        const days = denseDays(totals.get(meter.meterId) ?? [], firstDay, SPIKE_TRAILING_DAYS + 1);
        const yesterday = days[days.length - 1];
        if (!isUsageSpike(yesterday, days.slice(0, -1), rule.multiplier)) return [];
        const day = addDays(today, -1).toISOString().slice(0, 10);
        return [
          {
            alert: baseAlert(rule, forecast, now, {
              meterId: meter.meterId,
              level: `spike:${day}`,
              quantity: yesterday,
              limit: meter.limit,
              amount: null,
              thresholdAmount: null,
              details: { ...meterDetails(meter), day, dayQuantity: toDecimalString(yesterday) },
            }),
            email: null,
          },
        ];
      });
  },
};
