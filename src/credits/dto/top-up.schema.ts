import { z } from 'zod';
import { distinctBy, nameField } from '../../catalog/dto/fields';
import { currencyField, decimalField, keyField, timestampField } from '../../common/validation';

export const DEFAULT_TOP_UP_NAME = 'Prepaid credit';

/** `POST /v1/customers/{externalId}/credits`: a one-off top-up of prepaid credit. */
export const topUpSchema = z.strictObject({
  amount: decimalField({ positive: true }),
  /** Defaults to the customer's currency. */
  currency: currencyField.optional(),
  name: nameField.default(DEFAULT_TOP_UP_NAME),
  expiresAt: timestampField.nullable().default(null),
  /** Billable item keys; left out, the credit pays for every item. */
  appliesTo: z
    .array(keyField, { error: 'must be a list of billable item keys' })
    .min(1, { error: 'must name at least one billable item (leave it out for every item)' })
    .superRefine(distinctBy((key) => key))
    .optional(),
});

export type TopUpInput = z.output<typeof topUpSchema>;
