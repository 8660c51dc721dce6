import { Decimal, sumDecimals, toDecimalString } from '../../common/decimal';
import { decimalField } from '../../common/validation';
import { EmailMessage } from '../../notifications/email-message';
import { billDetails } from '../alert-facts.service';
import { AlertRuleKind, requiredParameter } from '../alert-rule-kind';
import { RuleBasis } from '../alert-rule';
import { ruleInput } from '../dto/alert-rule-input.schema';
import { baseAlert, emailFigures, hasLimit } from '../firing';

export interface BillShockRule extends RuleBasis {
  type: 'bill_shock';
  factor: Decimal;
  minIncrease: Decimal;
}

/** How many finalized invoices make the usual bill. */
export const USUAL_BILL_INVOICES = 3;

/**
 * The customer's usual bill: the median of their last three finalized invoice
 * totals (a median, so one odd month does not move it); a new customer with
 * none has the plan's fixed fees as the bill they signed up for.
 */
export function usualBill(recentTotals: readonly Decimal[], fixedFees: Decimal): Decimal {
  const totals = [...recentTotals.slice(0, USUAL_BILL_INVOICES)].sort((a, b) => a.comparedTo(b));
  if (totals.length === 0) return fixedFees;
  const middle = Math.floor(totals.length / 2);
  return totals.length % 2 === 1 ? totals[middle] : totals[middle - 1].plus(totals[middle]).div(2);
}

export interface BillShockInput {
  projectedBill: Decimal;
  usualBill: Decimal;
  factor: Decimal;
  minIncrease: Decimal;
}

/** A shock is both relative (≥ factor × usual) and absolute (≥ minIncrease more), so small bills page no one. */
export function isBillShock({
  projectedBill,
  usualBill,
  factor,
  minIncrease,
}: BillShockInput): boolean {
  return (
    projectedBill.gte(usualBill.times(factor)) && projectedBill.minus(usualBill).gte(minIncrease)
  );
}

const input = ruleInput('bill_shock', {
  factor: decimalField({ allowNumber: true, positive: true }).refine((f) => f.gt(1), {
    error: 'must be greater than 1',
  }),
  minIncrease: decimalField({ nonNegative: true }).default(() => new Decimal(0)),
});

/** bill_shock: the projected bill far above the usual one, checked on the schedule. */
export const billShock: AlertRuleKind<BillShockRule, typeof input> = {
  type: 'bill_shock',
  input,
  evaluated: { onIngest: false, scheduled: true },
  toParameters: (rule) => ({ factor: rule.factor, minIncrease: rule.minIncrease }),
  fromParameters: (basis, parameters) => ({
    ...basis,
    type: 'bill_shock',
    factor: requiredParameter(parameters.factor, 'factor', basis.id),
    minIncrease: parameters.minIncrease ?? new Decimal(0),
  }),
  response: (rule) => ({
    factor: toDecimalString(rule.factor),
    minIncrease: toDecimalString(rule.minIncrease),
  }),
  mayFire: async () => true,
  async firings(rule, forecast, now, sources) {
    const { subject } = forecast;
    const totals = await sources.recentInvoiceTotals(subject.subscriptionId, USUAL_BILL_INVOICES);
    const fixedFees = sumDecimals(
      (forecast.pricing?.version.licenceFees ?? []).map((fee) =>
        fee.unitAmount.times(subject.licenceQuantities[fee.billableItem.key] ?? 1),
      ),
    );
    const usual = usualBill(totals, fixedFees);
    const projected = forecast.projectedBill.expected;
    const shock = isBillShock({
      projectedBill: projected,
      usualBill: usual,
      factor: rule.factor,
      minIncrease: rule.minIncrease,
    });
    if (!shock) return [];
    const meter = forecast.meters.find(hasLimit) ?? null;
    const alert = baseAlert(rule, forecast, now, {
      meterId: null,
      level: 'shock',
      quantity: null,
      limit: null,
      amount: projected,
      thresholdAmount: usual,
      details: {
        ...billDetails(forecast),
        usualBill: toDecimalString(usual),
        factor: toDecimalString(rule.factor),
      },
    });
    const email = meter
      ? (id: string): EmailMessage => ({
          dedupeKey: `alert:${id}`,
          customerId: subject.customerId,
          template: 'bill_shock',
          critical: false,
          data: { ...emailFigures(meter, forecast), usualBill: usual },
        })
      : null;
    return [{ alert, email }];
  },
};
