import { z } from 'zod';
import { decimalField, keyField } from '../../common/validation';

/** `POST /v1/customers/{externalId}/prepaid-blocks`: buys prepaid blocks a subscription's plan version offers. */
export const buyPrepaidBlocksSchema = z.strictObject({
  subscriptionId: z
    .uuid({ error: 'must be the id of one of the customer’s subscriptions' })
    .describe(
      'the subscription whose plan version offers the blocks, and whose next invoice bills them',
    ),
  billableItem: keyField.describe('the metered billable item the blocks pay for'),
  units: decimalField({ allowNumber: true, positive: true }).describe(
    'units bought: a whole number of the offer’s smallest block',
  ),
});

export type BuyPrepaidBlocksInput = z.output<typeof buyPrepaidBlocksSchema>;
