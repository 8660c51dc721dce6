import { Decimal, toDecimalString } from '../../common/decimal';
import { decimalField } from '../../common/validation';
import { billDetails } from '../alert-facts.service';
import { AlertRuleKind, requiredParameter } from '../alert-rule-kind';
import { RuleBasis } from '../alert-rule';
import { ruleInput } from '../dto/alert-rule-input.schema';
import { baseAlert } from '../firing';

export interface SpendThresholdRule extends RuleBasis {
  type: 'spend_threshold';
  /** The billing period's bill so far at which to warn, in the plan's currency. */
  amount: Decimal;
}

/** A spend rule fires once the billing period's bill so far reaches its amount. */
export function spendReached(billSoFar: Decimal, amount: Decimal): boolean {
  return billSoFar.gte(amount);
}

const input = ruleInput('spend_threshold', { amount: decimalField({ positive: true }) });

/** spend_threshold: the bill so far (the plan priced at the usage so far, licence fees included, before tax). */
export const spendThreshold: AlertRuleKind<SpendThresholdRule, typeof input> = {
  type: 'spend_threshold',
  input,
  evaluated: { onIngest: true, scheduled: false },
  toParameters: (rule) => ({ amount: rule.amount }),
  fromParameters: (basis, parameters) => ({
    ...basis,
    type: 'spend_threshold',
    amount: requiredParameter(parameters.amount, 'amount', basis.id),
  }),
  response: (rule) => ({ amount: toDecimalString(rule.amount) }),
  // No cheap test of the bill so far: it passes until it has fired in the interval.
  mayFire: async (rule, facts) => !facts.fired(rule.id, toDecimalString(rule.amount), null),
  async firings(rule, forecast, now) {
    const soFar = forecast.billSoFar;
    if (!spendReached(soFar, rule.amount)) return [];
    return [
      {
        alert: baseAlert(rule, forecast, now, {
          meterId: null,
          level: toDecimalString(rule.amount),
          quantity: null,
          limit: null,
          amount: soFar,
          thresholdAmount: rule.amount,
          details: { ...billDetails(forecast), billSoFar: toDecimalString(soFar) },
        }),
        // No spend e-mail template exists yet: the alert reaches sales through its other channels.
        email: null,
      },
    ];
  },
};
