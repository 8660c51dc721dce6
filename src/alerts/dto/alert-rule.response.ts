import { toDecimalString } from '../../common/decimal';
import { AlertRule, AlertScope } from '../alert-rule';

function scopeResponse(scope: AlertScope) {
  switch (scope.kind) {
    case 'all':
      return {};
    case 'plan':
      return { plan: scope.planKey };
    case 'customer':
      return { customerExternalId: scope.customerExternalId };
  }
}

/** The rule as it was posted (decimal strings), plus id, enabled and createdAt. */
export function toAlertRuleResponse(rule: AlertRule) {
  const basis = {
    id: rule.id,
    type: rule.type,
    scope: scopeResponse(rule.scope),
    channels: rule.channels,
    enabled: rule.enabled,
    createdAt: rule.createdAt.toISOString(),
  };
  switch (rule.type) {
    case 'usage_threshold':
      return { ...basis, levels: rule.levels.map(toDecimalString), meter: rule.meter?.key ?? null };
    case 'spend_threshold':
      return { ...basis, amount: toDecimalString(rule.amount) };
    case 'bill_shock':
      return {
        ...basis,
        factor: toDecimalString(rule.factor),
        minIncrease: toDecimalString(rule.minIncrease),
      };
    case 'credit_balance_low':
      return { ...basis, percent: toDecimalString(rule.percent) };
    case 'usage_spike':
      return {
        ...basis,
        multiplier: toDecimalString(rule.multiplier),
        meter: rule.meter?.key ?? null,
      };
    case 'quota_pressure':
      return { ...basis, hits: rule.hits, windows: rule.windows, meter: rule.meter?.key ?? null };
  }
}
