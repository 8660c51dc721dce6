import { z } from 'zod';
import { isUuid } from '../../common/ids';
import { keyField } from '../../common/validation';
import { pageQuerySchema } from '../../customers/dto/page.schema';
import { InvoiceCursor } from '../invoice.repository';

const CURSOR_PROBLEM = 'must be the nextCursor of a previous page';
const INVOICE_STATUSES = ['draft', 'finalized', 'void'] as const;

/** `GET /v1/invoices`: filters, and the position after the previous page. */
export const invoiceListQuerySchema = z.object({
  customerExternalId: keyField.optional(),
  status: z
    .enum(INVOICE_STATUSES, { error: `must be one of ${INVOICE_STATUSES.join(', ')}` })
    .optional(),
  subscriptionId: z.string().refine(isUuid, { error: 'must be a subscription id' }).optional(),
  limit: pageQuerySchema.shape.limit,
  cursor: z
    .string({ error: CURSOR_PROBLEM })
    .transform((cursor, ctx): InvoiceCursor => {
      const [periodStart, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
      const at = new Date(periodStart);
      if (id === undefined || !isUuid(id) || Number.isNaN(at.getTime())) {
        ctx.addIssue({ code: 'custom', message: CURSOR_PROBLEM });
        return z.NEVER;
      }
      return { periodStart: at, id };
    })
    .optional(),
});

export type InvoiceListQuery = z.output<typeof invoiceListQuerySchema>;

export function encodeInvoiceCursor(cursor: InvoiceCursor): string {
  return Buffer.from(`${cursor.periodStart.toISOString()}|${cursor.id}`, 'utf8').toString(
    'base64url',
  );
}
