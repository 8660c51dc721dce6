import { Decimal } from '../../common/decimal';

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
