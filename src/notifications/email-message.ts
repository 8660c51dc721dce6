import { z } from 'zod';
import { Decimal, DECIMAL_PATTERN } from '../common/decimal';
import { currencyField } from '../common/validation';

/**
 * The e-mails the service sends and the data each one needs. One zod schema per
 * template is both the TypeScript type producers fill in (with Decimals and
 * Dates) and the codec to and from the outbox's JSON payload.
 */

const decimal = z.codec(
  z.string().regex(DECIMAL_PATTERN),
  z.custom<Decimal>((value) => Decimal.isDecimal(value) && value.isFinite(), {
    error: 'must be a finite Decimal',
  }),
  { decode: (text) => new Decimal(text), encode: (value) => value.toFixed() },
);

const instant = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (text) => new Date(text),
  encode: (date) => date.toISOString(),
});

/** What every usage e-mail shows: the meter, where its usage stands, and where it is heading. */
const usageFigures = z.object({
  /** As the customer knows it ("GPT-4o tokens"), with its unit ("token") if it has one. */
  meter: z.object({ name: z.string().min(1), unit: z.string().min(1).nullable() }),
  /** Usage in the current service interval so far. */
  usage: decimal,
  /** The interval's limit on the meter (included quantity or cap). */
  limit: decimal.refine((limit) => limit.gt(0), { error: 'must be greater than 0' }),
  /** The currency of every amount in the data. */
  currency: currencyField,
  /** The bill projected for the current billing period. */
  projectedBill: decimal,
  /** When usage is projected to reach the limit; null when not before the interval ends. */
  limitReachedAt: instant.nullable(),
  /** When the service interval ends and usage starts again from zero. */
  intervalEnd: instant,
});

const usageThresholdData = usageFigures.extend({
  /** The level crossed, in percent of the limit (80). */
  thresholdPercent: z.number().positive(),
});

const usageLimitReachedData = usageFigures.extend({
  /** When usage reached the limit. */
  limitReachedAt: instant,
});

const billShockData = usageFigures.extend({
  /** What the customer usually pays for a period (the median of recent invoices). */
  usualBill: decimal,
});

const creditBalanceLowData = usageFigures.extend({
  creditBalance: decimal,
  /** When the balance is projected to run out; null when not before the interval ends. */
  creditRunsOutAt: instant.nullable(),
});

export const QUOTA_PRESSURE_WINDOWS = ['hour', 'day', 'week'] as const;

/**
 * A quota reached again and again. `usage` is the busiest window's demand
 * (used plus refused), `limit` the quota per window, `intervalEnd` the end of
 * the set of windows watched.
 */
const quotaPressureData = usageFigures.extend({
  window: z.enum(QUOTA_PRESSURE_WINDOWS),
  capsHit: z.number().int().positive(),
  windowsWatched: z.number().int().positive(),
  hoursThrottled: decimal,
  /** The plan whose quotas would hold the busiest window: its quota there (null: none caps it) and bill. */
  upgrade: z
    .object({ plan: z.string().min(1), quota: decimal.nullable(), projectedBill: decimal })
    .nullable(),
});

function payload<T extends string, D extends z.ZodType>(template: T, data: D) {
  return z.object({
    customerId: z.uuid(),
    template: z.literal(template),
    /** Critical e-mails are sent even to customers who opted out of usage warnings. */
    critical: z.boolean(),
    data,
  });
}

/** The outbox payload of an e-mail: everything needed to render and send it later. */
export const emailPayloadSchema = z.discriminatedUnion('template', [
  payload('usage_threshold', usageThresholdData),
  payload('usage_limit_reached', usageLimitReachedData),
  payload('bill_shock', billShockData),
  payload('credit_balance_low', creditBalanceLowData),
  payload('quota_pressure', quotaPressureData),
]);

export type EmailPayload = z.output<typeof emailPayloadSchema>;
export type TemplateName = EmailPayload['template'];
export type TemplateData<T extends TemplateName> = Extract<EmailPayload, { template: T }>['data'];

/** An e-mail to enqueue; `dedupeKey` (e.g. the alert id) makes enqueuing it twice send it once. */
export type EmailMessage = EmailPayload & { dedupeKey: string };
