import { z } from 'zod';
import { keyField, timestampField } from '../../common/validation';

/** `GET /v1/quota-hits`: the quotas reached since an instant (default: the last 7 days), newest first. */
export const quotaHitsQuerySchema = z.strictObject({
  customerExternalId: keyField.optional(),
  since: timestampField.optional(),
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 1000' })
    .int({ error: 'must be a whole number from 1 to 1000' })
    .min(1, { error: 'must be a whole number from 1 to 1000' })
    .max(1000, { error: 'must be a whole number from 1 to 1000' })
    .default(100),
});

export type QuotaHitsQuery = z.output<typeof quotaHitsQuerySchema>;
