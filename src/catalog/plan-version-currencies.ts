/**
 * Multi-currency plan versions. Pure.
 *
 * A version's base prices (`rate`, `unitAmount`, `amount`) are in its plan's
 * currency; `currencyOptions` price each entry in other currencies, like
 * Stripe's `currency_options` on a price. A version that lists `currencies`
 * bills in exactly those; one that does not (every version published before
 * multi-currency) bills in its plan's currency only.
 *
 * Which currency a subscription bills in (decided once, when it is created):
 * - the customer's currency when the version bills in it;
 * - the plan's currency when the customer has none;
 * - a version without `currencies` keeps the rule it was published under: it
 *   bills in its plan's currency whatever the customer's (API.md's example
 *   subscribes an EUR customer to such a USD plan and expects its invoice);
 * - otherwise the subscription is refused: a version listing its currencies
 *   offers no price in the customer's.
 */
import { Decimal } from '../common/decimal';
import { FieldProblem } from '../common/errors';
import { Rate } from '../rating/rate';
import { CreatePlanVersionInput } from './dto/plan-version.schema';
import { BlockTier } from './prepaid-block-offer';

/** Prices of one entry in other currencies than the plan's, by currency code. */
export type CurrencyOptions<T> = Readonly<Record<string, T>>;

export interface CurrencyPricedContent {
  currencies: readonly string[] | null;
  rates: ReadonlyArray<{ rate: Rate; currencyOptions: CurrencyOptions<Rate> }>;
  licenceFees: ReadonlyArray<{ unitAmount: Decimal; currencyOptions: CurrencyOptions<Decimal> }>;
  creditGrants: ReadonlyArray<{ amount: Decimal; currencyOptions: CurrencyOptions<Decimal> }>;
  commitment: { amount: Decimal; currencyOptions: CurrencyOptions<Decimal> } | null;
  prepaidBlocks: ReadonlyArray<{
    tiers: BlockTier[];
    currencyOptions: CurrencyOptions<BlockTier[]>;
  }>;
}

/** The currencies a version bills in. */
export function billedCurrencies(
  planCurrency: string,
  currencies: readonly string[] | null,
): readonly string[] {
  return currencies ?? [planCurrency];
}

export type BillingCurrency = { currency: string } | { problem: string };

/** The currency a subscription to the version bills in, for a customer of `customerCurrency`. */
export function billingCurrency(
  planCurrency: string,
  currencies: readonly string[] | null,
  customerCurrency: string | null,
): BillingCurrency {
  if (currencies === null || customerCurrency === null) return { currency: planCurrency };
  if (currencies.includes(customerCurrency)) return { currency: customerCurrency };
  return {
    problem: `bills in ${customerCurrency}, which this plan version has no price in (it bills in ${currencies.join(', ')})`,
  };
}

/**
 * What a published version must satisfy beyond its shape: `currencies` holds the
 * plan's currency, and every other listed currency is priced on every rate, fee,
 * grant, block offer and the commitment, and no option names a currency the version does not list.
 */
export function currencyProblems(
  planCurrency: string,
  input: CreatePlanVersionInput,
): FieldProblem[] {
  const entries: Array<{ field: string; options: object | undefined }> = [
    ...input.rates.map((entry, i) => ({ field: `rates[${i}]`, options: entry.currencyOptions })),
    ...input.licenceFees.map((fee, i) => ({
      field: `licenceFees[${i}]`,
      options: fee.currencyOptions,
    })),
    ...input.creditGrants.map((grant, i) => ({
      field: `creditGrants[${i}]`,
      options: grant.currencyOptions,
    })),
    ...input.prepaidBlocks.map((offer, i) => ({
      field: `prepaidBlocks[${i}]`,
      options: offer.currencyOptions,
    })),
    ...(input.commitment
      ? [{ field: 'commitment', options: input.commitment.currencyOptions }]
      : []),
  ];
  const { currencies } = input;
  if (currencies === undefined) {
    return entries
      .filter(({ options }) => options !== undefined && Object.keys(options).length > 0)
      .map(({ field }) => ({
        field: `${field}.currencyOptions`,
        problem: 'needs the version to list its currencies in `currencies`',
      }));
  }
  const problems: FieldProblem[] = [];
  if (!currencies.includes(planCurrency)) {
    problems.push({
      field: 'currencies',
      problem: `must include the plan's currency ${planCurrency} (the base prices are in it)`,
    });
  }
  const others = currencies.filter((code) => code !== planCurrency);
  for (const { field, options } of entries) {
    const priced = Object.keys(options ?? {});
    for (const code of others.filter((code) => !priced.includes(code))) {
      problems.push({
        field: `${field}.currencyOptions.${code}`,
        problem: `is required: the version bills in ${code}`,
      });
    }
    for (const code of priced.filter((code) => !others.includes(code))) {
      problems.push({
        field: `${field}.currencyOptions.${code}`,
        problem:
          code === planCurrency
            ? `is the plan's currency: the base price is the ${code} price`
            : `is not one of the version's currencies (${currencies.join(', ')})`,
      });
    }
  }
  return problems;
}

/** The version with every price in `currency` (one it bills in). */
export function pricedIn<T extends CurrencyPricedContent>(
  version: T,
  planCurrency: string,
  currency: string,
): T {
  if (currency === planCurrency) return version;
  const option = <P>(options: CurrencyOptions<P>, what: string): P => {
    const price = options[currency];
    if (price === undefined)
      throw new RangeError(`the version has no ${currency} price for ${what}`);
    return price;
  };
  return {
    ...version,
    rates: version.rates.map((entry, i) => ({
      ...entry,
      rate: option(entry.currencyOptions, `rates[${i}]`),
    })),
    licenceFees: version.licenceFees.map((fee, i) => ({
      ...fee,
      unitAmount: option(fee.currencyOptions, `licenceFees[${i}]`),
    })),
    creditGrants: version.creditGrants.map((grant, i) => ({
      ...grant,
      amount: option(grant.currencyOptions, `creditGrants[${i}]`),
    })),
    prepaidBlocks: version.prepaidBlocks.map((offer, i) => ({
      ...offer,
      tiers: option(offer.currencyOptions, `prepaidBlocks[${i}]`),
    })),
    commitment: version.commitment && {
      ...version.commitment,
      amount: option(version.commitment.currencyOptions, 'commitment'),
    },
  };
}
