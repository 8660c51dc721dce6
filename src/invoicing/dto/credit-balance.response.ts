import { Decimal } from '../../common/decimal';
import { formatUnrounded } from '../../common/money';
import { CreditBalance } from '../credit-balance';

export function toCreditBalanceResponse(balance: CreditBalance) {
  const money = (amount: Decimal) => formatUnrounded(amount, balance.currency);
  return {
    currency: balance.currency,
    granted: money(balance.granted),
    consumed: money(balance.consumed),
    expired: money(balance.expired),
    available: money(balance.available),
    pendingUsage: money(balance.pendingUsage),
    balance: money(balance.balance),
  };
}
