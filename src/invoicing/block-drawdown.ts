/**
 * Prepaid blocks drawn before overage. Pure.
 *
 * Each usage charge of a quantity-priced rate takes its units first from the
 * customer's prepaid block lots of the same billable item that are valid in its
 * service interval, soonest-expiring first (ties by purchase, then id), the
 * intervals in order; the rate then prices only what the blocks did not cover,
 * so tiers, minimums and commitments see the overage. A percentage rate prices
 * money, not units, and draws nothing. Each charge that drew shows one
 * zero-amount `prepaid_block_drawdown` line with the units drawn.
 */
import { Decimal, ZERO } from '../common/decimal';
import { Interval } from '../common/period';
import { InvoiceLineDraft } from './invoice-line';
import { Usage } from '../rating/rate';

/** What a usage charge of invoice-calculator.ts holds that the drawdown reads and rewrites. */
export interface DrawableCharge {
  billableItemId: string;
  description: string;
  interval: Interval;
  usage: Usage;
  quantity: Decimal;
}

/** A purchased lot with the units it still holds. */
export interface BlockLotBalance {
  id: string;
  billableItemId: string;
  remaining: Decimal;
  validFrom: Date;
  expiresAt: Date;
}

export interface BlockDraw {
  lotId: string;
  units: Decimal;
}

export interface BlockDrawdown<C extends DrawableCharge> {
  /** The charges with the drawn units taken off their quantity. */
  usageCharges: C[];
  lines: InvoiceLineDraft[];
  /** Units per lot, summed over the invoice. */
  draws: BlockDraw[];
}

export function drawBlocks<C extends DrawableCharge>(
  charges: readonly C[],
  lots: readonly BlockLotBalance[],
): BlockDrawdown<C> {
  const remaining = new Map(lots.map((lot) => [lot.id, lot.remaining]));
  const drawn = new Map<string, Decimal>();
  const lines: InvoiceLineDraft[] = [];
  const inOrder = [...charges.entries()].sort(
    ([, a], [, b]) => a.interval.start.getTime() - b.interval.start.getTime(),
  );
  const usageCharges = [...charges];
  for (const [index, charge] of inOrder) {
    if (!('quantity' in charge.usage)) continue;
    let due = charge.usage.quantity;
    let fromBlocks = ZERO;
    for (const lot of eligibleLots(charge.billableItemId, charge.interval, lots)) {
      if (!due.gt(0)) break;
      const take = Decimal.min(remaining.get(lot.id) ?? ZERO, due);
      if (!take.gt(0)) continue;
      remaining.set(lot.id, (remaining.get(lot.id) ?? ZERO).minus(take));
      drawn.set(lot.id, (drawn.get(lot.id) ?? ZERO).plus(take));
      due = due.minus(take);
      fromBlocks = fromBlocks.plus(take);
    }
    if (fromBlocks.isZero()) continue;
    usageCharges[index] = { ...charge, usage: { quantity: due }, quantity: due };
    lines.push(drawdownLine(charge, fromBlocks));
  }
  return {
    usageCharges,
    lines,
    draws: [...drawn].map(([lotId, units]) => ({ lotId, units })),
  };
}

function eligibleLots(
  billableItemId: string,
  { start, end }: Interval,
  lots: readonly BlockLotBalance[],
): BlockLotBalance[] {
  return lots
    .filter(
      (lot) =>
        lot.billableItemId === billableItemId && lot.validFrom < end && lot.expiresAt > start,
    )
    .sort(
      (a, b) =>
        a.expiresAt.getTime() - b.expiresAt.getTime() ||
        a.validFrom.getTime() - b.validFrom.getTime() ||
        a.id.localeCompare(b.id),
    );
}

function drawdownLine(charge: DrawableCharge, units: Decimal): InvoiceLineDraft {
  return {
    kind: 'prepaid_block_drawdown',
    billableItemId: charge.billableItemId,
    creditLotId: null,
    description: `${charge.description} (prepaid blocks)`,
    quantity: units,
    unitAmount: null,
    servicePeriod: { start: charge.interval.start, end: charge.interval.end },
    exactAmount: ZERO,
    amount: ZERO,
    breakdown: [{ description: 'drawn from prepaid blocks', quantity: units, amount: ZERO }],
  };
}
