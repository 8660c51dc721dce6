import { AlertScope } from '../alert-rule';
import { AlertRule, kindOf } from '../alert-rule-kinds';

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
  return { ...basis, ...kindOf(rule.type).response(rule) };
}
