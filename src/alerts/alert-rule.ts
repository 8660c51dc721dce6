import { Decimal } from '../common/decimal';

export const ALERT_RULE_TYPES = [
  'usage_threshold',
  'spend_threshold',
  'bill_shock',
  'credit_balance_low',
  'usage_spike',
  'quota_pressure',
] as const;
export type AlertRuleType = (typeof ALERT_RULE_TYPES)[number];

export const ALERT_CHANNELS = ['email', 'crm_task', 'crm_opportunity'] as const;
export type AlertChannel = (typeof ALERT_CHANNELS)[number];

/** Who a rule watches: everyone, the subscribers of one plan, or one customer. */
export type AlertScope =
  | { kind: 'all' }
  | { kind: 'plan'; planId: string; planKey: string }
  | { kind: 'customer'; customerId: string; customerExternalId: string };

interface RuleBasis {
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

export interface UsageThresholdRule extends RuleBasis {
  type: 'usage_threshold';
  /** Percents of the limit, ascending. */
  levels: Decimal[];
  meter: MeterRef | null;
}

export interface SpendThresholdRule extends RuleBasis {
  type: 'spend_threshold';
  /** The billing period's bill so far at which to warn, in the plan's currency. */
  amount: Decimal;
}

export interface BillShockRule extends RuleBasis {
  type: 'bill_shock';
  factor: Decimal;
  minIncrease: Decimal;
}

export interface CreditBalanceLowRule extends RuleBasis {
  type: 'credit_balance_low';
  /** Percent of the granted credit under which the balance is low. */
  percent: Decimal;
}

export interface UsageSpikeRule extends RuleBasis {
  type: 'usage_spike';
  multiplier: Decimal;
  meter: MeterRef | null;
}

/** A subscription reached a quota `hits` times within a set of `windows` consecutive windows of it. */
export interface QuotaPressureRule extends RuleBasis {
  type: 'quota_pressure';
  hits: number;
  windows: number;
  meter: MeterRef | null;
}

export type AlertRule =
  | UsageThresholdRule
  | SpendThresholdRule
  | BillShockRule
  | CreditBalanceLowRule
  | UsageSpikeRule
  | QuotaPressureRule;

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
