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

/** What a customer asked for on their usage page, with the figures sales need to act on it. */
export const customerRequestSchema = z.object({
  requestId: z.string().min(1),
  kind: z.enum(['plan_change', 'credit_top_up']),
  currentPlan: z.string().min(1),
  /** The plan asked for; null for a credit top-up. */
  requestedPlan: z.string().nullable(),
  currency: z.string().min(1),
  /** One service interval at the projected usage, on the current and on the requested plan. */
  currentCost: decimal,
  requestedCost: decimal.nullable(),
  /** The deal's amount: the plan change's annual gain, or the credit the projected bill lacks. */
  amount: decimal,
  projectedBill: decimal,
  creditBalance: decimal.nullable(),
  requestedAt: instant,
  intervalEnd: instant,
});
export type CustomerRequestSignal = z.output<typeof customerRequestSchema>;

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
  z.object({
    kind: z.literal('credit_note'),
    customerId,
    /** Carried whole: an issued credit note never changes. */
    creditNote: z.object({
      id: z.string().min(1),
      number: z.string().min(1),
      creditedInvoiceNumber: z.string().min(1),
      currency: z.string().length(3),
      total: decimal,
      periodStart: instant,
      periodEnd: instant,
    }),
  }),
  z.object({ kind: z.literal('request_task'), customerId, request: customerRequestSchema }),
  z.object({ kind: z.literal('request_opportunity'), customerId, request: customerRequestSchema }),
]);
export type CrmPayload = z.output<typeof crmPayloadSchema>;
export type CrmPayloadKind = CrmPayload['kind'];
export type CreditNotePayload = Extract<CrmPayload, { kind: 'credit_note' }>['creditNote'];
