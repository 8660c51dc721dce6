import { z } from 'zod';
import { wholeNumberField } from '../../catalog/dto/fields';
import { keyField } from '../../common/validation';

/** `POST /v1/subscriptions/{id}/plan-changes`: the version to move to at the next billing period. */
export const createPlanChangeSchema = z.strictObject({
  /** Another plan billed in the same currency; defaults to the plan the subscription is on. */
  plan: keyField.optional(),
  /** Defaults to the plan's live version. */
  version: wholeNumberField(1).optional(),
});

export type CreatePlanChangeInput = z.output<typeof createPlanChangeSchema>;
