import { Decimal } from '../common/decimal';

/** What a commitment's amount is measured over: each service interval, or each billing period. */
export type CommitmentInterval = 'service_interval' | 'billing_period';

export const COMMITMENT_INTERVALS = [
  'service_interval',
  'billing_period',
] as const satisfies readonly CommitmentInterval[];

/**
 * A plan version's minimum spend across all its usage rates: post-paid (the
 * shortfall is billed as a true-up line) or prepaid (billed in advance as
 * credit the usage draws down, overage billed beyond it). See
 * src/invoicing/commitment-lines.ts.
 */
export interface PlanCommitment {
  amount: Decimal;
  interval: CommitmentInterval;
  prepaid: boolean;
}

/** A version's commitment as published: its amount in the plan's currency and in each other it bills in. */
export interface PricedCommitment extends PlanCommitment {
  /** By currency code, as plan-version-currencies.ts's CurrencyOptions (not imported: it imports this). */
  currencyOptions: Readonly<Record<string, Decimal>>;
}
