/**
 * A customer's real-time credit balance in one currency. Pure.
 *
 * granted, consumed, expired and available are the ledger's totals
 * (ledger-summary.ts: granted = consumed + expired + available), counting the
 * grants of started service intervals that are not issued yet: the customer is
 * entitled to them from the interval start. pendingUsage is what the upcoming
 * invoices would take from lots still available now, and balance = available −
 * pendingUsage: what is left once the usage so far is billed.
 */
import { Decimal, sumDecimals, ZERO } from '../common/decimal';
import { ledgerTotals, LotBalance } from '../credits/ledger-summary';

export interface CreditBalance {
  currency: string;
  granted: Decimal;
  consumed: Decimal;
  expired: Decimal;
  available: Decimal;
  pendingUsage: Decimal;
  balance: Decimal;
}

export interface CreditBalanceInput {
  currency: string;
  now: Date;
  /** Lots of the ledger and grants not issued yet, in any currency. */
  lots: readonly LotBalance[];
  /** What the upcoming invoices would consume, lot by lot. */
  pendingConsumptions: ReadonlyArray<{ lot: { expiresAt: Date | null }; amount: Decimal }>;
}

export function creditBalance(input: CreditBalanceInput): CreditBalance {
  const { currency, now } = input;
  const totals = ledgerTotals(
    input.lots.filter((lot) => lot.currency === currency),
    now,
  ).find((total) => total.currency === currency) ?? {
    currency,
    granted: ZERO,
    consumed: ZERO,
    expired: ZERO,
    available: ZERO,
  };
  // Credit of a lot expired by now is counted in `expired`, not `available`: what an
  // upcoming invoice takes from it (for an interval it covered) leaves the balance alone.
  const pendingUsage = sumDecimals(
    input.pendingConsumptions
      .filter(({ lot }) => lot.expiresAt === null || lot.expiresAt > now)
      .map(({ amount }) => amount),
  );
  return { ...totals, pendingUsage, balance: totals.available.minus(pendingUsage) };
}

/** A grant lot not issued yet, as the ledger totals count it. */
export function unissuedLot(lot: {
  currency: string;
  amount: Decimal;
  expiresAt: Date | null;
}): LotBalance {
  return { currency: lot.currency, amount: lot.amount, consumed: ZERO, expiresAt: lot.expiresAt };
}
