import { z } from 'zod';
import { monthField } from '../../ledger/dto/revenue-import.schema';
import { monthsBetween } from '../../month';

/** Longest range one request may cover, counting both ends. */
export const MAX_RANGE_MONTHS = 60;

export const monthRangeQuerySchema = z
  .object({ from: monthField, to: monthField })
  .refine((q) => monthsBetween(q.from, q.to) >= 0, {
    path: ['to'],
    error: 'must not be before from',
  })
  .refine((q) => monthsBetween(q.from, q.to) < MAX_RANGE_MONTHS, {
    path: ['to'],
    error: `must be at most ${MAX_RANGE_MONTHS} months from "from" (both included)`,
  });

export const retentionQuerySchema = z.object({ month: monthField });
