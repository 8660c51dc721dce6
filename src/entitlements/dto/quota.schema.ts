import { z } from 'zod';
import { distinctBy } from '../../catalog/dto/fields';
import { decimalField, keyField } from '../../common/validation';
import {
  QUOTA_ALIGNMENTS,
  QUOTA_KINDS,
  QUOTA_WINDOWS,
  QuotaAlignment,
  QuotaKind,
  QuotaWindow,
  ROLLING_WINDOWS,
} from '../quota-window';

export const QUOTA_OVERAGES = ['refuse', 'credits'] as const;
export type QuotaOverage = (typeof QUOTA_OVERAGES)[number];

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

export const quotaSchema = z
  .strictObject({
    meter: keyField,
    window: oneOf(QUOTA_WINDOWS),
    alignment: oneOf(QUOTA_ALIGNMENTS).default('calendar'),
    quantity: decimalField({ allowNumber: true, positive: true }),
    kind: oneOf(QUOTA_KINDS).default('hard'),
    /** A hard quota's usage beyond the quantity: refused, or allowed while credit or prepaid block units for the meter remain. */
    overage: oneOf(QUOTA_OVERAGES).default('refuse'),
  })
  .superRefine((quota, ctx) => {
    if (quota.alignment === 'rolling' && !ROLLING_WINDOWS.includes(quota.window)) {
      ctx.addIssue({
        code: 'custom',
        path: ['alignment'],
        message: `rolling windows are ${ROLLING_WINDOWS.join(' and ')} (usage is kept per hour)`,
      });
    }
    if (quota.overage === 'credits' && quota.kind === 'soft') {
      ctx.addIssue({
        code: 'custom',
        path: ['overage'],
        message: 'only a hard quota refuses usage, so only a hard quota has credit pay past it',
      });
    }
  });

export type QuotaInput = z.output<typeof quotaSchema>;

/** The key a quota is unique by: one per meter, window and alignment. */
export function quotaKey(quota: {
  meter: string;
  window: QuotaWindow;
  alignment: QuotaAlignment;
}): string {
  return `${quota.meter}/${quota.window}/${quota.alignment}`;
}

/** `PUT …/quotas`: the whole set, replacing the one before. */
export const quotasBodySchema = z.strictObject({
  quotas: z
    .array(quotaSchema, { error: 'must be a list of quotas' })
    .max(100, { error: 'must have at most 100 quotas' })
    .superRefine(distinctBy(quotaKey)),
});

export type QuotasBody = z.output<typeof quotasBodySchema>;

export type { QuotaAlignment, QuotaKind, QuotaWindow };
