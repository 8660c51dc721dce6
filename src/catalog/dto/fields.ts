import { z } from 'zod';
import { decimalField } from '../../common/validation';

/** A display name: trimmed, non-empty, bounded. */
export const nameField = z
  .string({ error: 'must be a string' })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(200, { error: 'must be at most 200 characters' });

/** A whole number within bounds, for counts such as interval lengths. */
export function wholeNumberField(min: number, max = Number.MAX_SAFE_INTEGER) {
  return z
    .number({ error: 'must be a whole number' })
    .int({ error: 'must be a whole number' })
    .min(min, { error: `must be at least ${min}` })
    .max(max, { error: `must be at most ${max}` });
}

/**
 * Refinement for lists whose entries must be distinct by some key; the problem
 * is reported on the repeated entry (`rates[2].billableItem`).
 */
export function distinctBy<T>(keyOf: (item: T) => string, field?: string) {
  return (items: T[], ctx: z.RefinementCtx<T[]>): void => {
    const seen = new Set<string>();
    items.forEach((item, index) => {
      const key = keyOf(item);
      if (seen.has(key)) {
        ctx.addIssue({
          code: 'custom',
          message: `'${key}' is listed more than once`,
          path: field ? [index, field] : [index],
        });
      }
      seen.add(key);
    });
  };
}

/** A percentage as a decimal string, "2.5" meaning 2.5 %. */
export function percentField() {
  return decimalField({ nonNegative: true }).refine((percent) => percent.lte(100), {
    error: 'must be a percentage from 0 to 100',
  });
}

/** Quantity per licence fee of a plan version, by billable item key; fees left out get 1. */
export function licenceQuantitiesField() {
  return z
    .record(z.string(), decimalField({ allowNumber: true, nonNegative: true }), {
      error: 'must be an object of quantities by billable item key',
    })
    .default({});
}
