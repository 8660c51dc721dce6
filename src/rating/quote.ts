import { Decimal, sumDecimals } from '../common/decimal';
import { roundToMinorUnit } from '../common/money';
import { BreakdownLine } from './breakdown';
import { priceRate, Rate, Usage } from './rate';

export interface QuoteItem {
  rate: Rate;
  usage: Usage;
}

export interface PricedItem {
  /** Unrounded, as the rate computes it. */
  exactAmount: Decimal;
  /** exactAmount rounded once, half-up, to the currency's minor unit. */
  amount: Decimal;
  breakdown: BreakdownLine[];
}

export interface PricedItems {
  currency: string;
  items: PricedItem[];
  /** The sum of the rounded item amounts, so the total matches the lines a customer adds up. */
  total: Decimal;
}

/** Prices explicit rates for given usage: the body of `POST /v1/quotes` (explicit-rates form). */
export function priceItems(currency: string, items: readonly QuoteItem[]): PricedItems {
  const priced = items.map(({ rate, usage }): PricedItem => {
    const { amount, breakdown } = priceRate(rate, usage);
    return { exactAmount: amount, amount: roundToMinorUnit(amount, currency), breakdown };
  });
  return { currency, items: priced, total: sumDecimals(priced.map((item) => item.amount)) };
}
