import { Decimal } from '../../common/decimal';
import { formatUnrounded } from '../../common/money';
import { toDecimalString } from '../../common/decimal';
import { CreditBalanceWithBlocks } from '../credit-balance.service';

export function toCreditBalanceResponse(balance: CreditBalanceWithBlocks) {
  const money = (amount: Decimal) => formatUnrounded(amount, balance.currency);
  return {
    currency: balance.currency,
    granted: money(balance.granted),
    consumed: money(balance.consumed),
    expired: money(balance.expired),
    available: money(balance.available),
    pendingUsage: money(balance.pendingUsage),
    balance: money(balance.balance),
    blocks: balance.blocks.map((lot) => ({
      id: lot.id,
      billableItem: lot.billableItemKey,
      units: toDecimalString(lot.units),
      drawn: toDecimalString(lot.drawn),
      pendingUsage: toDecimalString(lot.pending),
      remaining: toDecimalString(lot.units.minus(lot.drawn).minus(lot.pending)),
      expiresAt: lot.expiresAt.toISOString(),
    })),
  };
}
