import { z } from 'zod';
import { isUuid } from '../../common/ids';
import { pageQuerySchema } from '../../customers/dto/page.schema';
import { OUTBOX_CHANNELS, OUTBOX_STATUSES } from '../outbox-message';

/** `GET /v1/outbox?channel=&status=&limit=&cursor=`; the cursor is the last message id of a page. */
export const outboxQuerySchema = pageQuerySchema.extend({
  channel: z
    .enum(OUTBOX_CHANNELS, { error: `must be one of ${OUTBOX_CHANNELS.join(', ')}` })
    .optional(),
  status: z
    .enum(OUTBOX_STATUSES, { error: `must be one of ${OUTBOX_STATUSES.join(', ')}` })
    .optional(),
  cursor: z
    .string()
    .refine(isUuid, { error: 'must be the nextCursor of a previous page' })
    .optional(),
});

export type OutboxQuery = z.output<typeof outboxQuerySchema>;
