import { z } from 'zod';
import { CalendarUnit, Cadence } from '../../common/period';
import { decimalField, keyField } from '../../common/validation';
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

const rateEntrySchema = z.strictObject({ billableItem: keyField, rate: rateSchema });

const licenceFeeSchema = z.strictObject({
  billableItem: keyField,
  unitAmount: decimalField({ nonNegative: true }),
});

const creditGrantSchema = z.strictObject({
  name: nameField,
  amount: decimalField({ positive: true }),
  appliesTo: z
    .array(keyField, { error: 'must be a list of billable item keys' })
    .min(1, { error: 'must name at least one billable item' })
    .superRefine(distinctBy((key) => key)),
  expiresAfterIntervals: wholeNumberField(1, 1000).optional(),
});

const limitSchema = z.strictObject({
  meter: keyField,
  quantity: decimalField({ allowNumber: true, positive: true }),
});

const list = <T extends z.ZodType>(entry: T, what: string) =>
  z.array(entry, { error: `must be a list of ${what}` });

/** A plan version as published: everything it prices, grants and limits, validated before any lookup. */
export const createPlanVersionSchema = z.strictObject({
  live: z.boolean({ error: 'must be true or false' }).default(true),
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
});

export type CreatePlanVersionInput = z.output<typeof createPlanVersionSchema>;
