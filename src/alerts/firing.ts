import { Decimal } from '../common/decimal';
import { MeterForecast, SubscriptionForecast } from '../forecasting/forecasts.service';
import { EmailMessage } from '../notifications/email-message';
import { QuotaPressureFigures } from '../crm/crm-signals';
import { AlertChannel, RuleBasis } from './alert-rule';
import { Recommendation } from './recommendation';

/** Plain JSON of decimal strings and ISO instants: what an alert's details hold. */
export type AlertDetails = {
  [key: string]: string | number | boolean | null | AlertDetails | AlertDetails[];
};

export interface NewAlert {
  ruleId: string;
  /** The kind of the rule that fired (`alert-rule-kinds.ts`). */
  ruleType: string;
  customerId: string;
  subscriptionId: string;
  meterId: string | null;
  level: string;
  intervalStart: Date;
  intervalEnd: Date;
  quantity: Decimal | null;
  limit: Decimal | null;
  amount: Decimal | null;
  thresholdAmount: Decimal | null;
  currency: string | null;
  details: AlertDetails;
  channels: AlertChannel[];
  firedAt: Date;
}

/** A candidate alert and the e-mail to send if it is new. */
export interface Firing {
  alert: NewAlert;
  email: ((alertId: string) => EmailMessage) | null;
  /** A kind's own proposal (quota pressure: a plan whose quotas hold); left out, the usual one by limits. */
  recommendation?: Recommendation | null;
  /** quota_pressure's figures for sales. */
  quotaPressure?: QuotaPressureFigures;
}

type AlertFields = Pick<
  NewAlert,
  'meterId' | 'level' | 'quantity' | 'limit' | 'amount' | 'thresholdAmount' | 'details'
>;

export function baseAlert(
  rule: RuleBasis & { type: string },
  forecast: SubscriptionForecast,
  now: Date,
  fields: AlertFields,
): NewAlert {
  return {
    ruleId: rule.id,
    ruleType: rule.type,
    customerId: forecast.subject.customerId,
    subscriptionId: forecast.subject.subscriptionId,
    intervalStart: forecast.interval.start,
    intervalEnd: forecast.interval.end,
    currency: forecast.currency,
    channels: rule.channels,
    firedAt: now,
    ...fields,
  };
}

export type LimitedMeter = MeterForecast & { limit: Decimal };

export const hasLimit = (meter: MeterForecast): meter is LimitedMeter => meter.limit !== null;

/** What every usage e-mail shows about a meter (see email-message.ts). */
export function emailFigures(meter: LimitedMeter, forecast: SubscriptionForecast) {
  const full = meter.crossings.find((crossing) => crossing.percent.eq(100))?.crossing;
  return {
    meter: { name: meter.meterName, unit: meter.unit },
    usage: meter.quantity,
    limit: meter.limit,
    currency: forecast.currency,
    projectedBill: forecast.projectedBill.expected,
    limitReachedAt: full?.status === 'projected' ? full.at : null,
    intervalEnd: forecast.interval.end,
  };
}
