/** The bill a projected quantity would cost. */
import { Decimal } from '../common/decimal';
import type { QuantityBand } from './forecast';

/** The exact price of an interval's quantity; the caller wraps the rating engine (priceRate). */
export type PriceOfQuantity = (quantity: Decimal) => Decimal;

export interface ProjectedBill {
  expected: Decimal;
  low: Decimal;
  high: Decimal;
}

/**
 * Prices the expected quantity and both ends of its band. The bill band spans
 * all three prices rather than mapping low to low, because volume pricing is
 * not monotonic: one more unit can move the whole quantity to a cheaper tier.
 */
export function projectBill(projection: QuantityBand, price: PriceOfQuantity): ProjectedBill {
  const expected = price(projection.expected);
  const prices = [price(projection.low), expected, price(projection.high)];
  return { expected, low: Decimal.min(...prices), high: Decimal.max(...prices) };
}
