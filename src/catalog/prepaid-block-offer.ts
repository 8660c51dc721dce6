import { Decimal } from '../common/decimal';

/** One volume tier of a block offer: `units` of the item for `price` ("1 000 000 tokens for 10.00"). */
export interface BlockTier {
  units: Decimal;
  price: Decimal;
}

/**
 * Prepaid blocks of a metered billable item a plan version sells, at volume
 * prices: the tiers in its plan's currency, `currencyOptions` in the others
 * it bills in. Pricing: src/credits/block-pricing.ts.
 */
export interface PrepaidBlockOffer<Item> {
  billableItem: Item;
  tiers: BlockTier[];
  /** By currency code, as plan-version-currencies.ts's CurrencyOptions. */
  currencyOptions: Readonly<Record<string, BlockTier[]>>;
  /** A lot bought expires this many days after its purchase. */
  validForDays: number;
}
