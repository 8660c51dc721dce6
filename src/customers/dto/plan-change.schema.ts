import { z } from 'zod';
import { licenceQuantitiesField, wholeNumberField } from '../../catalog/dto/fields';
import { keyField, timestampField } from '../../common/validation';

/** Fields that only a change now takes: a change at the period end has nothing to prorate. */
const NOW_ONLY = ['effectiveAt', 'licenceQuantities', 'refundToCredit'] as const;

/**
 * `POST /v1/subscriptions/{id}/plan-changes`: the version to move to, at the
 * next billing period (the default) or now, prorated.
 */
export const createPlanChangeSchema = z
  .strictObject({
    /** Another plan billed in the same currency; defaults to the plan the subscription is on. */
    plan: keyField.optional(),
    /** Defaults to the plan's live version. */
    version: wholeNumberField(1).optional(),
    effective: z
      .enum(['period_end', 'now'], { error: "must be 'period_end' or 'now'" })
      .default('period_end')
      .describe(
        "'period_end' (the default): from the next billing period; 'now': at once, the period split and licence fees prorated",
      ),
    effectiveAt: timestampField
      .optional()
      .describe(
        "with effective 'now': when the change took effect, floored to the hour; within the current service interval and billing period, not in the future (default: now)",
      ),
    licenceQuantities: licenceQuantitiesField()
      .unwrap()
      .optional()
      .describe(
        "with effective 'now': new quantities by licence fee's billable item key, from the change on (the plan may stay the same)",
      ),
    refundToCredit: z
      .boolean({ error: 'must be true or false' })
      .optional()
      .describe(
        "with effective 'now': put the credit note for fees billed in advance on the customer's credit balance",
      ),
  })
  .superRefine((input, context) => {
    if (input.effective === 'now') return;
    for (const field of NOW_ONLY) {
      if (input[field] !== undefined) {
        context.addIssue({
          code: 'custom',
          path: [field],
          message: "is only taken with effective 'now'",
        });
      }
    }
  });

export type CreatePlanChangeInput = z.output<typeof createPlanChangeSchema>;
