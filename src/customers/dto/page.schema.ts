import { z } from 'zod';
import { keyField } from '../../common/validation';

const CURSOR_PROBLEM = 'must be the nextCursor of a previous page';

/**
 * `?limit=&cursor=` of a list ordered by a key. The cursor is the last key of
 * the previous page, base64url-encoded so clients treat it as opaque.
 */
export const pageQuerySchema = z.object({
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 200' })
    .int({ error: 'must be a whole number from 1 to 200' })
    .min(1, { error: 'must be a whole number from 1 to 200' })
    .max(200, { error: 'must be a whole number from 1 to 200' })
    .default(50),
  cursor: z
    .string({ error: CURSOR_PROBLEM })
    .transform((cursor) => Buffer.from(cursor, 'base64url').toString('utf8'))
    .refine((lastKey) => keyField.safeParse(lastKey).success, { error: CURSOR_PROBLEM })
    .optional(),
});

export type PageQuery = z.output<typeof pageQuerySchema>;

export function encodeCursor(lastKey: string): string {
  return Buffer.from(lastKey, 'utf8').toString('base64url');
}
