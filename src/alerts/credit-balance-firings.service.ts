import { Injectable } from '@nestjs/common';
import { Decimal, sumDecimals, toDecimalString } from '../common/decimal';
import {
  ForecastsService,
  MeterForecast,
  SubscriptionForecast,
} from '../forecasting/forecasts.service';
import { addDayFraction, dayFraction } from '../forecasting/utc-days';
import { CreditBalanceService } from '../invoicing/credit-balance.service';
import { EmailMessage } from '../notifications/email-message';
import { CreditBalanceLowRule } from './alert-rule';
import { billDetails } from './alert-facts.service';
import { baseAlert, emailFigures, Firing, hasLimit } from './firing';
import { creditLevelsReached } from './rules/credit-balance-low';

/** credit_balance_low: the real-time balance (invoicing) against the plan's grant and the forecast. */
@Injectable()
export class CreditBalanceFirings {
  constructor(
    private readonly credit: CreditBalanceService,
    private readonly forecasts: ForecastsService,
  ) {}

  async firings(
    rule: CreditBalanceLowRule,
    forecast: SubscriptionForecast,
    now: Date,
  ): Promise<Firing[]> {
    const { pricing, subject } = forecast;
    if (pricing === null) return [];
    const { balance } = await this.credit.balance(subject.customerExternalId, forecast.currency);
    const grantedThisInterval = sumDecimals(
      pricing.version.creditGrants.map((grant) => grant.amount),
    );
    // Credit pays charges: what it will still have to pay is the growth of the charges from the
    // usage so far to the projected usage, priced without the plan's credits (which net them off).
    const gross = { ...pricing, version: { ...pricing.version, creditGrants: [] } };
    const chargesAt = (pick: (meter: MeterForecast) => Decimal) =>
      this.forecasts.priceOn(
        forecast,
        gross,
        new Map(forecast.meters.map((meter) => [meter.meterKey, pick(meter)])),
      );
    const further = chargesAt((meter) => meter.projected.expected).minus(
      chargesAt((meter) => meter.quantity),
    );
    const levels = creditLevelsReached({
      balance,
      grantedThisInterval,
      percent: rule.percent,
      projectedFurtherCharges: further,
    });
    if (levels.length === 0) return [];
    const runsOutAt = runOutMoment(balance, further, now, forecast.interval.end);
    const meter = forecast.meters.find(hasLimit) ?? null;
    return levels.map((level): Firing => {
      const alert = baseAlert(rule, forecast, now, {
        meterId: null,
        level,
        quantity: null,
        limit: null,
        amount: balance,
        thresholdAmount: level === 'low' ? grantedThisInterval.times(rule.percent).div(100) : null,
        details: {
          ...billDetails(forecast),
          creditBalance: toDecimalString(balance),
          grantedThisInterval: toDecimalString(grantedThisInterval),
          percent: toDecimalString(rule.percent),
          projectedFurtherCharges: toDecimalString(further),
          creditRunsOutAt: runsOutAt && runsOutAt.toISOString(),
        },
      });
      // The template shows a metered limit beside the balance; without one there is no e-mail.
      const email = meter
        ? (id: string): EmailMessage => ({
            dedupeKey: `alert:${id}`,
            customerId: subject.customerId,
            template: 'credit_balance_low',
            critical: false,
            data: {
              ...emailFigures(meter, forecast),
              creditBalance: balance,
              creditRunsOutAt: runsOutAt,
            },
          })
        : null;
      return { alert, email };
    });
  }
}

/**
 * When the balance is projected to run out: the further charges spread evenly
 * over the rest of the interval (their total is the forecast's, their pace
 * within it is approximate); null when it lasts the interval.
 */
function runOutMoment(balance: Decimal, further: Decimal, now: Date, end: Date): Date | null {
  if (!further.gt(Decimal.max(balance, 0))) return null;
  if (!balance.gt(0)) return now;
  return addDayFraction(now, dayFraction(now, end).times(balance).div(further));
}
