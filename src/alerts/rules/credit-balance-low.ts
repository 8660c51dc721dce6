import { Decimal, sumDecimals, toDecimalString } from '../../common/decimal';
import { decimalField } from '../../common/validation';
import { MeterForecast } from '../../forecasting/forecasts.service';
import { addDayFraction, dayFraction } from '../../forecasting/utc-days';
import { EmailMessage } from '../../notifications/email-message';
import { billDetails } from '../alert-facts.service';
import { AlertRuleKind, requiredParameter } from '../alert-rule-kind';
import { RuleBasis } from '../alert-rule';
import { ruleInput } from '../dto/alert-rule-input.schema';
import { baseAlert, emailFigures, Firing, hasLimit } from '../firing';

export interface CreditBalanceLowRule extends RuleBasis {
  type: 'credit_balance_low';
  /** Percent of the granted credit under which the balance is low. */
  percent: Decimal;
}

/** `low`: under the rule's percent of the interval's grant; `runs_out`: projected to run out before the interval ends. */
export const CREDIT_LOW_LEVELS = ['low', 'runs_out'] as const;
export type CreditLowLevel = (typeof CREDIT_LOW_LEVELS)[number];

export interface CreditBalanceLowInput {
  /** Credit left once the usage so far is billed. */
  balance: Decimal;
  /** The credit the plan grants for the interval; zero when it grants none. */
  grantedThisInterval: Decimal;
  percent: Decimal;
  /** What the rest of the interval's projected usage adds to the charges credit pays for. */
  projectedFurtherCharges: Decimal;
}

/**
 * The levels a customer's credit has reached. A customer with no credit left
 * and no grant (who never had any, or spent it in an earlier interval) is not
 * warned: there is no balance to run low.
 */
export function creditLevelsReached({
  balance,
  grantedThisInterval,
  percent,
  projectedFurtherCharges,
}: CreditBalanceLowInput): CreditLowLevel[] {
  if (!balance.gt(0) && !grantedThisInterval.gt(0)) return [];
  const levels: CreditLowLevel[] = [];
  if (grantedThisInterval.gt(0) && balance.lt(grantedThisInterval.times(percent).div(100))) {
    levels.push('low');
  }
  if (projectedFurtherCharges.gt(Decimal.max(balance, 0))) levels.push('runs_out');
  return levels;
}

const input = ruleInput('credit_balance_low', {
  percent: decimalField({ allowNumber: true, positive: true }).refine((p) => p.lte(100), {
    error: 'must be at most 100',
  }),
});

/**
 * credit_balance_low: the real-time balance (invoicing) against the plan's
 * grant and the forecast. Checked on schedule too: a balance also runs low as
 * credit lots expire, with no usage moving.
 */
export const creditBalanceLow: AlertRuleKind<CreditBalanceLowRule, typeof input> = {
  type: 'credit_balance_low',
  input,
  evaluated: { onIngest: true, scheduled: true },
  toParameters: (rule) => ({ percent: rule.percent }),
  fromParameters: (basis, parameters) => ({
    ...basis,
    type: 'credit_balance_low',
    percent: requiredParameter(parameters.percent, 'percent', basis.id),
  }),
  response: (rule) => ({ percent: toDecimalString(rule.percent) }),
  // No cheap test of the balance: it passes until both levels have fired in the interval.
  mayFire: async (rule, facts) =>
    CREDIT_LOW_LEVELS.some((level) => !facts.fired(rule.id, level, null)),
  async firings(rule, forecast, now, sources) {
    const { pricing, subject } = forecast;
    if (pricing === null) return [];
    const balance = await sources.creditBalance(subject.customerId, forecast.currency);
    const grantedThisInterval = sumDecimals(
      pricing.version.creditGrants.map((grant) => grant.amount),
    );
    // Credit pays charges: what it will still have to pay is the growth of the charges from the
    // usage so far to the projected usage, priced without the plan's credits (which net them off).
    const gross = { ...pricing, version: { ...pricing.version, creditGrants: [] } };
    const chargesAt = (pick: (meter: MeterForecast) => Decimal) =>
      sources.priceOn(
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
  },
};

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
