/**
 * What a customer's credit ledger adds up to at an instant. Pure.
 *
 * A lot is `used` once consumed (or rolled over) in full, else `expired` from
 * its expiresAt on, else `active`. Per currency, granted = consumed + expired +
 * available, where expired counts what expired lots still held and available
 * what active ones hold. Rolled-over credit moves from its source lot to a
 * rollover lot (rollover-lots.ts): the source no longer holds it, and the
 * rollover lot is not granted again, so the equation still holds.
 */
import { Decimal, ZERO } from '../common/decimal';

export type LotStatus = 'active' | 'expired' | 'used';

export interface LotBalance {
  currency: string;
  amount: Decimal;
  consumed: Decimal;
  expiresAt: Date | null;
  /** What the lot passed on to a rollover lot; absent = nothing. */
  rolledOver?: Decimal;
  /** Set on a rollover lot: its credit was granted once, by its source lot. */
  rolledOverFrom?: string | null;
}

function remainingOf(lot: LotBalance): Decimal {
  return lot.amount.minus(lot.consumed).minus(lot.rolledOver ?? ZERO);
}

export interface CurrencyTotals {
  currency: string;
  granted: Decimal;
  consumed: Decimal;
  expired: Decimal;
  available: Decimal;
}

export function lotStatus(lot: LotBalance, now: Date): LotStatus {
  if (!remainingOf(lot).gt(0)) return 'used';
  if (lot.expiresAt !== null && lot.expiresAt <= now) return 'expired';
  return 'active';
}

/** Totals per currency, in currency order. */
export function ledgerTotals(lots: readonly LotBalance[], now: Date): CurrencyTotals[] {
  const totals = new Map<string, CurrencyTotals>();
  for (const lot of lots) {
    const total = totals.get(lot.currency) ?? {
      currency: lot.currency,
      granted: ZERO,
      consumed: ZERO,
      expired: ZERO,
      available: ZERO,
    };
    const remaining = remainingOf(lot);
    const granted = lot.rolledOverFrom ? ZERO : lot.amount;
    const status = lotStatus(lot, now);
    totals.set(lot.currency, {
      ...total,
      granted: total.granted.plus(granted),
      consumed: total.consumed.plus(lot.consumed),
      expired: status === 'expired' ? total.expired.plus(remaining) : total.expired,
      available: status === 'active' ? total.available.plus(remaining) : total.available,
    });
  }
  return [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}
