import { z } from 'zod';
import { currencyField } from '../../common/validation';

/** `GET /v1/customers/{externalId}/credit-balance?currency=`. */
export const creditBalanceQuerySchema = z.object({
  currency: currencyField.optional(),
});
