import { z } from 'zod';
import { monthField } from '../../ledger/dto/revenue-import.schema';
import { monthsBetween } from '../../month';
import { SMOOTHINGS } from '../revenue-metrics';

/** Longest range one request may cover, counting both ends. */
export const MAX_RANGE_MONTHS = 60;

/** The range checks every from–to query shares (both months included). */
function checkedRange<S extends z.ZodType<{ from: string; to: string }>>(schema: S) {
  return schema
    .refine((q) => monthsBetween(q.from, q.to) >= 0, {
      path: ['to'],
      error: 'must not be before from',
    })
    .refine((q) => monthsBetween(q.from, q.to) < MAX_RANGE_MONTHS, {
      path: ['to'],
      error: `must be at most ${MAX_RANGE_MONTHS} months from "from" (both included)`,
    });
}

export const monthRangeQuerySchema = checkedRange(z.object({ from: monthField, to: monthField }));

export const movementsQuerySchema = checkedRange(
  z.object({
    from: monthField,
    to: monthField,
    smoothing: z.enum(SMOOTHINGS).default('none'),
  }),
);

export const retentionQuerySchema = z.object({ month: monthField });
