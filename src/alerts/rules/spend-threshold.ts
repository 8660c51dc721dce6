import { Decimal } from '../../common/decimal';

/** A spend rule fires once the billing period's bill so far reaches its amount. */
export function spendReached(billSoFar: Decimal, amount: Decimal): boolean {
  return billSoFar.gte(amount);
}
