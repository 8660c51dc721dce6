import { z } from 'zod';
import { currencyField, decimalField, keyField } from '../../../common/validation';
import { MONTH_PATTERN } from '../../month';

/** Most rows one request may carry; larger histories go in several requests (each is idempotent). */
export const MAX_IMPORT_ROWS = 10_000;

export const monthField = z
  .string({ error: 'must be a month such as "2025-01"' })
  .regex(MONTH_PATTERN, { error: 'must be a month such as "2025-01"' });

export const revenueImportSchema = z.strictObject({
  rows: z
    .array(
      z.strictObject({
        customerExternalId: keyField,
        month: monthField,
        amount: decimalField({ nonNegative: true }),
        currency: currencyField,
      }),
    )
    .min(1, { error: 'must hold at least one row' })
    .max(MAX_IMPORT_ROWS, { error: `must hold at most ${MAX_IMPORT_ROWS} rows` }),
});

export type RevenueImportInput = z.output<typeof revenueImportSchema>;
