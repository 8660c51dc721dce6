import { z } from 'zod';
import { timestampField } from '../../common/validation';

/** `POST /v1/billing-runs`: bill the periods ended by `asOf` (default: now) minus the grace period. */
export const billingRunSchema = z.strictObject({
  asOf: timestampField.optional(),
});
