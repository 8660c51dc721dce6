import { z } from 'zod';
import { AlertRuleKind } from './alert-rule-kind';
import { billShock } from './rules/bill-shock';
import { creditBalanceLow } from './rules/credit-balance-low';
import { quotaPressure } from './rules/quota-pressure';
import { spendThreshold } from './rules/spend-threshold';
import { usageSpike } from './rules/usage-spike';
import { usageThreshold } from './rules/usage-threshold';

/**
 * Every alert rule kind, by its type: the one list the API, the store and the
 * evaluator read. Adding a kind is one file in `rules/` (an `AlertRuleKind`)
 * and one entry here, plus the migration that lets `alert_rules.type` hold it
 * (README, "Adding an alert rule kind").
 */
export const ALERT_RULE_KINDS = {
  usage_threshold: usageThreshold,
  spend_threshold: spendThreshold,
  bill_shock: billShock,
  credit_balance_low: creditBalanceLow,
  usage_spike: usageSpike,
  quota_pressure: quotaPressure,
} as const;

type Kinds = typeof ALERT_RULE_KINDS;
export type AlertRuleType = keyof Kinds;
type RuleOf<K> = K extends AlertRuleKind<infer R, z.ZodObject> ? R : never;
export type AlertRule = { [T in AlertRuleType]: RuleOf<Kinds[T]> }[AlertRuleType];
type AnyRuleInput = Kinds[AlertRuleType]['input'];

// Each entry sits under its own type: a kind filed under another's key would be a compile error.
const keyedByType: { [T in AlertRuleType]: { type: T } } = ALERT_RULE_KINDS;
export const ALERT_RULE_TYPES = Object.keys(keyedByType) as [AlertRuleType, ...AlertRuleType[]];

/** The bodies of `POST /v1/alert-rules`, one per kind, for a union on `type`. */
export const ALERT_RULE_KIND_INPUTS = Object.values(ALERT_RULE_KINDS).map((kind) => kind.input) as [
  AnyRuleInput,
  ...AnyRuleInput[],
];

/**
 * The kind of a rule or of a rule's input, seen as handling any rule: TypeScript
 * does not tie a map entry to the value it was looked up for, so this is the
 * one place that says it.
 */
export function kindOf(type: AlertRuleType): AlertRuleKind<AlertRule, AnyRuleInput> {
  return ALERT_RULE_KINDS[type] as unknown as AlertRuleKind<AlertRule, AnyRuleInput>;
}
