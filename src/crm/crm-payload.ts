import { z } from 'zod';
import { USAGE_PROPERTY_NAMES } from './crm-provider';

/**
 * What a `crm` outbox message carries. Numbers are decimal strings; the text
 * of tasks and deals is written at delivery from these figures (and the
 * customer as they are then), like e-mails.
 */
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, { message: 'must be a decimal string' });
const instant = z.iso.datetime({ offset: true });

/** The figures of a fired alert that sales need. */
export const alertSignalSchema = z.object({
  alertId: z.string().min(1),
  rule: z.string().min(1),
  level: z.string(),
  meter: z.string().nullable(),
  quantity: decimal.nullable(),
  limit: decimal.nullable(),
  currency: z.string().nullable(),
  projectedBill: decimal.nullable(),
  recommendedPlan: z.string().nullable(),
  incrementalAnnualRevenue: decimal,
  firedAt: instant,
  intervalEnd: instant,
  /** quota_pressure: the quota's window, how often it was reached in the set, hours at the cap. */
  quotaPressure: z
    .object({
      window: z.string().min(1),
      capsHit: z.number().int().positive(),
      hoursThrottled: decimal,
    })
    .optional(),
});
export type AlertSignal = z.output<typeof alertSignalSchema>;

const customerId = z.string().min(1);

export const crmPayloadSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('account_properties'),
    customerId,
    properties: z.partialRecord(z.enum(USAGE_PROPERTY_NAMES), z.string().nullable()),
  }),
  z.object({ kind: z.literal('upsell_task'), customerId, signal: alertSignalSchema }),
  z.object({
    kind: z.literal('expansion_opportunity'),
    customerId,
    /** One open deal per customer and reason: the second half of its external key. */
    reason: z.string().min(1),
    signal: alertSignalSchema,
  }),
  z.object({ kind: z.literal('invoice'), customerId, invoiceId: z.string().min(1) }),
]);
export type CrmPayload = z.output<typeof crmPayloadSchema>;
export type CrmPayloadKind = CrmPayload['kind'];
