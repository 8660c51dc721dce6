import { z } from 'zod';
import { keyField } from '../../common/validation';
import { distinctBy, nameField } from './fields';

export const AGGREGATIONS = ['sum', 'count', 'max', 'last', 'unique_count'] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

export const createMeterSchema = z.strictObject({
  key: keyField,
  name: nameField,
  aggregation: z.enum(AGGREGATIONS, { error: `must be one of ${AGGREGATIONS.join(', ')}` }),
  unit: z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(100)
    .optional(),
  dimensions: z
    .array(keyField, { error: 'must be a list of dimension keys' })
    .max(32, { error: 'must have at most 32 dimensions' })
    .superRefine(distinctBy((dimension) => dimension))
    .default([]),
});

export type CreateMeterInput = z.output<typeof createMeterSchema>;
