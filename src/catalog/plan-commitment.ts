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
