import { Decimal } from '../../common/decimal';
import { minorUnits } from '../../common/money';
import { CreditBalance } from '../credit-balance';

export function toCreditBalanceResponse(balance: CreditBalance) {
  // Padded to the minor unit, never rounded: a plan may grant finer amounts than invoices bill.
  const money = (amount: Decimal) =>
    amount.toFixed(Math.max(minorUnits(balance.currency), amount.decimalPlaces()));
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
