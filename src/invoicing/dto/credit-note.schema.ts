import { z } from 'zod';
import { isUuid } from '../../common/ids';
import { decimalField, keyField, timestampField } from '../../common/validation';
import { pageQuerySchema } from '../../customers/dto/page.schema';
import { CreditNoteCursor } from '../credit-note.repository';

const CURSOR_PROBLEM = 'must be the nextCursor of a previous page';
const refundToCredit = z
  .boolean({ error: 'must be true or false' })
  .default(false)
  .describe("put the credit note's total on the customer's credit balance (a top-up)");

/** `POST /v1/invoices/{id}/credit-notes`: an overcharge corrected line by line. */
export const createCreditNoteSchema = z.strictObject({
  lines: z
    .array(
      z.strictObject({
        position: z
          .number({ error: 'must be the position of an invoice line (0, 1, …)' })
          .int({ error: 'must be a whole number' })
          .min(0, { error: 'must be 0 or more' }),
        amount: decimalField({ positive: true }),
      }),
      { error: 'must be a list of {position, amount}' },
    )
    .min(1, { error: 'must credit at least one line' }),
  memo: z
    .string({ error: 'must be a string' })
    .max(500, { error: 'must be at most 500 characters' })
    .optional(),
  refundToCredit,
});
export type CreateCreditNoteInput = z.output<typeof createCreditNoteSchema>;

/** `POST /v1/invoices/{id}/void` may now carry a body (none means the defaults). */
export const voidInvoiceSchema = z.strictObject({ refundToCredit });

/** `POST /v1/subscriptions/{id}/end`: ending early, default now. */
export const endSubscriptionSchema = z.strictObject({
  endDate: timestampField.optional(),
  refundToCredit,
});
export type EndSubscriptionInput = z.output<typeof endSubscriptionSchema>;

/** `GET /v1/credit-notes`: filters, and the position after the previous page. */
export const creditNoteListQuerySchema = z.object({
  customerExternalId: keyField.optional(),
  invoiceId: z.string().refine(isUuid, { error: 'must be an invoice id' }).optional(),
  limit: pageQuerySchema.shape.limit,
  cursor: z
    .string({ error: CURSOR_PROBLEM })
    .transform((cursor, ctx): CreditNoteCursor => {
      const [issuedAt, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
      const at = new Date(issuedAt);
      if (id === undefined || !isUuid(id) || Number.isNaN(at.getTime())) {
        ctx.addIssue({ code: 'custom', message: CURSOR_PROBLEM });
        return z.NEVER;
      }
      return { issuedAt: at, id };
    })
    .optional(),
});

export function encodeCreditNoteCursor(cursor: CreditNoteCursor): string {
  return Buffer.from(`${cursor.issuedAt.toISOString()}|${cursor.id}`, 'utf8').toString('base64url');
}
