export const ALERT_CHANNELS = ['email', 'crm_task', 'crm_opportunity'] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

/** Who a rule watches: everyone, the subscribers of one plan, or one customer. */
export type AlertScope =
  | { kind: 'all' }
  | { kind: 'plan'; planId: string; planKey: string }
  | { kind: 'customer'; customerId: string; customerExternalId: string };

/** What every rule has, whatever its kind (the kinds are in `rules/`, listed in `alert-rule-kinds.ts`). */
export interface RuleBasis {
  id: string;
  scope: AlertScope;
  channels: AlertChannel[];
  enabled: boolean;
  createdAt: Date;
}

/** A meter by id and key; null on a rule means every meter (with a limit, for thresholds). */
export interface MeterRef {
  id: string;
  key: string;
}

/** The subscription a rule is evaluated for, as far as scope is concerned. */
export interface ScopeSubject {
  customerId: string;
  planId: string;
}

export function ruleApplies(scope: AlertScope, subject: ScopeSubject): boolean {
  switch (scope.kind) {
    case 'all':
      return true;
    case 'plan':
      return scope.planId === subject.planId;
    case 'customer':
      return scope.customerId === subject.customerId;
  }
}
