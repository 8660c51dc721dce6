import { z } from 'zod';
import { licenceQuantitiesField, wholeNumberField } from '../../catalog/dto/fields';
import { CalendarUnit } from '../../common/period';
import { keyField, timestampField } from '../../common/validation';

export const BILLING_CADENCE_UNITS = [
  'month',
  'quarter',
  'year',
] as const satisfies readonly CalendarUnit[];
export type BillingCadenceUnit = (typeof BILLING_CADENCE_UNITS)[number];

export interface BillingCadence {
  unit: BillingCadenceUnit;
  count: number;
  /** Day of the month invoices fall on; null bills on the start date's day. */
  anchorDay: number | null;
}

const billingCadenceSchema = z.strictObject({
  unit: z.enum(BILLING_CADENCE_UNITS, {
    error: `must be one of ${BILLING_CADENCE_UNITS.join(', ')}`,
  }),
  count: wholeNumberField(1, 100),
  anchorDay: wholeNumberField(1, 31).nullable().default(null),
});

export const createSubscriptionSchema = z.strictObject({
  customerExternalId: keyField,
  plan: keyField,
  /** Defaults to the plan's live version. */
  version: wholeNumberField(1).optional(),
  /** Defaults to now. */
  startDate: timestampField.optional(),
  endDate: timestampField.nullable().default(null),
  billingCadence: billingCadenceSchema.default(() => ({
    unit: 'month' as const,
    count: 1,
    anchorDay: null,
  })),
  licenceQuantities: licenceQuantitiesField(),
});

export type CreateSubscriptionInput = z.output<typeof createSubscriptionSchema>;

/** Header values are visible ASCII so they compare the same everywhere. */
export const idempotencyKeyHeaderSchema = z.object({
  'Idempotency-Key': z
    .string()
    .regex(/^[\x21-\x7e]{1,255}$/, { error: 'must be 1-255 visible ASCII characters' })
    .optional(),
});
