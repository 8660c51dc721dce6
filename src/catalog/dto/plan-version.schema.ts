import { z } from 'zod';
import { CalendarUnit, Cadence } from '../../common/period';
import { currencyField, decimalField, keyField } from '../../common/validation';
import { COMMITMENT_INTERVALS } from '../plan-commitment';
import { distinctBy, nameField, wholeNumberField } from './fields';
import { rateSchema } from './rate.schema';

export const SERVICE_INTERVAL_UNITS = [
  'hour',
  'day',
  'week',
  'month',
  'quarter',
  'year',
] as const satisfies readonly CalendarUnit[];

const defaultServiceInterval = (): Cadence => ({ unit: 'month', count: 1 });

/** How often usage is aggregated and limits reset; never longer than a subscription's billing cadence. */
export const serviceIntervalSchema = z.strictObject({
  unit: z.enum(SERVICE_INTERVAL_UNITS, {
    error: `must be one of ${SERVICE_INTERVAL_UNITS.join(', ')}`,
  }),
  count: wholeNumberField(1, 1000),
});

/**
 * Prices in other currencies than the plan's, keyed by ISO 4217 code (as Stripe's
 * `currency_options` on a price: https://docs.stripe.com/api/prices/object#price_object-currency_options).
 * Each listed currency of the version (`currencies`) needs one on every rate, fee and grant.
 */
const currencyOptions = <T extends z.ZodType>(price: T) =>
  z
    .record(currencyField, price, { error: 'must map currency codes such as "EUR" to prices' })
    .optional();

const rateEntrySchema = z.strictObject({
  billableItem: keyField,
  rate: rateSchema,
  currencyOptions: currencyOptions(rateSchema),
});

const licenceFeeSchema = z.strictObject({
  billableItem: keyField,
  unitAmount: decimalField({ nonNegative: true }),
  currencyOptions: currencyOptions(
    z.strictObject({ unitAmount: decimalField({ nonNegative: true }) }),
  ),
});

const creditGrantSchema = z.strictObject({
  name: nameField,
  amount: decimalField({ positive: true }),
  currencyOptions: currencyOptions(z.strictObject({ amount: decimalField({ positive: true }) })),
  appliesTo: z
    .array(keyField, { error: 'must be a list of billable item keys' })
    .min(1, { error: 'must name at least one billable item' })
    .superRefine(distinctBy((key) => key)),
  expiresAfterIntervals: wholeNumberField(1, 1000).optional(),
  rollover: z
    .strictObject({
      maximumAmount: decimalField({ positive: true }).describe(
        'the most of an expired lot carried into the next service interval',
      ),
      expiresAfterIntervals: wholeNumberField(1, 1000)
        .default(1)
        .describe('the rolled-over credit expires at the end of this many service intervals'),
    })
    .nullable()
    .default(null)
    .describe('carry unused credit into the next service interval when the lot expires'),
});

const limitSchema = z.strictObject({
  meter: keyField,
  quantity: decimalField({ allowNumber: true, positive: true }),
});

/**
 * A minimum spend across the version's usage rates (Lago's minimum commitment,
 * https://getlago.com/docs/guide/plans/commitment; Metronome's and Orb's
 * prepaid commits when `prepaid`). See src/invoicing/commitment-lines.ts.
 */
const commitmentSchema = z.strictObject({
  amount: decimalField({ positive: true }).describe(
    'minimum spend per interval across all usage rates, in the plan currency',
  ),
  currencyOptions: currencyOptions(z.strictObject({ amount: decimalField({ positive: true }) })),
  interval: z
    .enum(COMMITMENT_INTERVALS, { error: `must be one of ${COMMITMENT_INTERVALS.join(', ')}` })
    .default('service_interval')
    .describe('what the amount is measured over: each service interval or each billing period'),
  prepaid: z
    .boolean({ error: 'must be true or false' })
    .default(false)
    .describe(
      'true: billed in advance as credit drawn down by usage, overage billed beyond; false: the shortfall is billed as a true-up line',
    ),
});

const blockTiersSchema = z
  .array(
    z.strictObject({
      units: decimalField({ allowNumber: true, positive: true }).describe('units in a block'),
      price: decimalField({ nonNegative: true }).describe('price of one such block'),
    }),
    { error: 'must be a list of {units, price} tiers' },
  )
  .min(1, { error: 'must hold at least one tier' })
  .superRefine(distinctBy((tier) => tier.units.toFixed(), 'units'));

/**
 * Prepaid blocks of a metered item sold at volume prices (1 M tokens for 10,
 * 10 M for 80), drawn before overage (src/credits/block-pricing.ts,
 * src/invoicing/block-drawdown.ts).
 */
const prepaidBlockOfferSchema = z.strictObject({
  billableItem: keyField,
  tiers: blockTiersSchema,
  currencyOptions: currencyOptions(z.strictObject({ tiers: blockTiersSchema })),
  validForDays: wholeNumberField(1, 3660)
    .default(365)
    .describe('a lot bought expires this many days after its purchase'),
});

const list = <T extends z.ZodType>(entry: T, what: string) =>
  z.array(entry, { error: `must be a list of ${what}` });

/** A plan version as published: everything it prices, grants and limits, validated before any lookup. */
export const createPlanVersionSchema = z
  .strictObject({
    live: z.boolean({ error: 'must be true or false' }).default(true),
    /**
     * The currencies the version bills in: the plan's (its base prices) and those
     * priced in `currencyOptions`. Omitted: the plan's currency only, for customers
     * of any currency (the behaviour before multi-currency versions).
     */
    currencies: z
      .array(currencyField, { error: 'must be a list of currency codes' })
      .min(1, { error: 'must name at least the plan currency' })
      .superRefine(distinctBy((code) => code))
      .optional(),
    serviceInterval: serviceIntervalSchema.default(defaultServiceInterval),
    rates: list(rateEntrySchema, 'rates')
      .superRefine(distinctBy((entry) => entry.billableItem, 'billableItem'))
      .default([]),
    licenceFees: list(licenceFeeSchema, 'licence fees')
      .superRefine(distinctBy((fee) => fee.billableItem, 'billableItem'))
      .default([]),
    creditGrants: list(creditGrantSchema, 'credit grants').default([]),
    limits: list(limitSchema, 'limits')
      .superRefine(distinctBy((limit) => limit.meter, 'meter'))
      .default([]),
    commitment: commitmentSchema.nullable().default(null),
    prepaidBlocks: list(prepaidBlockOfferSchema, 'prepaid block offers')
      .superRefine(distinctBy((offer) => offer.billableItem, 'billableItem'))
      .default([]),
  })
  .refine((version) => version.commitment === null || version.rates.length > 0, {
    error: 'needs at least one rate: a commitment is a minimum spend across the usage rates',
    path: ['commitment'],
  });

export type CreatePlanVersionInput = z.output<typeof createPlanVersionSchema>;
