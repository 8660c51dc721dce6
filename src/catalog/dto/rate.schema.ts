import { z } from 'zod';
import { Decimal } from '../../common/decimal';
import { decimalField } from '../../common/validation';
import { Rate, RateModel } from '../../rating/rate';
import { percentField } from './fields';

/**
 * The `rate` object of the API (a plan version's rate, a quote item), parsed
 * into the rating engine's typed `Rate`. Prices are never negative; amounts are
 * decimal strings, quantities (upTo, packageSize, freeEvents) may also be JSON numbers.
 */

export const RATE_MODELS = [
  'per_unit',
  'package',
  'volume',
  'graduated',
  'graduated_percentage',
  'percentage',
] as const satisfies readonly RateModel[];

const amount = () => decimalField({ nonNegative: true });
const quantity = (options: { positive?: boolean } = {}) =>
  decimalField({ allowNumber: true, nonNegative: true, ...options });

const tierSchema = z.strictObject({
  upTo: quantity().nullable(),
  unitAmount: amount().prefault('0'),
  flatAmount: amount().prefault('0'),
});

/** Tiers ascend strictly; only the last is unbounded, and it must be. */
function checkTierBounds<T extends { upTo: Decimal | null }>(
  tiers: T[],
  ctx: z.RefinementCtx<T[]>,
): void {
  const problem = (index: number, message: string) =>
    ctx.addIssue({ code: 'custom', message, path: [index, 'upTo'] });
  tiers.forEach(({ upTo }, index) => {
    const isLast = index === tiers.length - 1;
    const previous = index > 0 ? tiers[index - 1].upTo : null;
    if (upTo === null && !isLast) problem(index, 'may be null only in the last tier');
    if (upTo !== null && isLast)
      problem(index, 'must be null in the last tier (it has no upper bound)');
    if (upTo !== null && previous !== null && !upTo.gt(previous)) {
      problem(index, "must be greater than the previous tier's upTo");
    }
  });
}

const tierList = <T extends z.ZodType<{ upTo: Decimal | null }>>(tier: T) =>
  z
    .array(tier, { error: 'must be a list of tiers' })
    .min(1, { error: 'must have at least one tier' })
    .max(100, { error: 'must have at most 100 tiers' })
    .superRefine(checkTierBounds);

const tiersField = tierList(tierSchema);

/** A graduated_percentage range: `rate` percent of the value inside it, `flatAmount` once reached (Lago). */
const percentageTiersField = tierList(
  z.strictObject({
    upTo: quantity().nullable(),
    rate: percentField(),
    flatAmount: amount().prefault('0'),
  }),
);

/**
 * Minimum and maximum spend per service interval, on any model (OpenMeter's
 * usage-based price commitments; see src/rating/spend-bounds.ts). Optional, so
 * rates without them read and answer exactly as before.
 */
const spendBounds = {
  minimumAmount: amount().optional(),
  maximumAmount: amount().optional(),
};

const perUnitSchema = z.strictObject({
  model: z.literal('per_unit'),
  unitAmount: amount(),
  ...spendBounds,
});

const packageSchema = z.strictObject({
  model: z.literal('package'),
  packageSize: quantity({ positive: true }),
  packageAmount: amount(),
  rounding: z.enum(['up', 'down'], { error: 'must be one of up, down' }).default('up'),
  /** Lago's free units: taken off the quantity before packages are counted. */
  freeUnits: quantity().optional(),
  ...spendBounds,
});

const volumeSchema = z.strictObject({
  model: z.literal('volume'),
  tiers: tiersField,
  ...spendBounds,
});

const graduatedSchema = z.strictObject({
  model: z.literal('graduated'),
  tiers: tiersField,
  ...spendBounds,
});

const graduatedPercentageSchema = z.strictObject({
  model: z.literal('graduated_percentage'),
  tiers: percentageTiersField,
  ...spendBounds,
});

const percentageSchema = z
  .strictObject({
    model: z.literal('percentage'),
    rate: percentField(),
    fixedAmount: amount().prefault('0'),
    freeEvents: quantity()
      .refine((count) => count.isInteger(), { error: 'must be a whole number' })
      .prefault('0'),
    freeAmount: amount().prefault('0'),
    minPerEvent: amount().nullable().default(null),
    maxPerEvent: amount().nullable().default(null),
    ...spendBounds,
  })
  .refine((rate) => !isBelow(rate.maxPerEvent, rate.minPerEvent), {
    error: 'must not be less than minPerEvent',
    path: ['maxPerEvent'],
  });

function isBelow(value: Decimal | null, bound: Decimal | null): boolean {
  return value !== null && bound !== null && value.lt(bound);
}

const rateUnion = z
  .discriminatedUnion(
    'model',
    [
      perUnitSchema,
      packageSchema,
      volumeSchema,
      graduatedSchema,
      graduatedPercentageSchema,
      percentageSchema,
    ],
    { error: `must be one of ${RATE_MODELS.join(', ')}` },
  )
  .refine((rate) => !isBelow(rate.maximumAmount ?? null, rate.minimumAmount ?? null), {
    error: 'must not be less than minimumAmount',
    path: ['maximumAmount'],
  });

/** A rate as clients send it. */
export type RateInput = z.input<typeof rateUnion>;

// Typed against the engine's Rate: what this parses is exactly what the engine prices.
export const rateSchema: z.ZodType<Rate, RateInput> = rateUnion;
