import { z } from 'zod';
import { currencyField, keyField } from '../../common/validation';
import { nameField } from './fields';

export const createPlanSchema = z.strictObject({
  key: keyField,
  name: nameField,
  currency: currencyField,
});

export type CreatePlanInput = z.output<typeof createPlanSchema>;

export const setLiveVersionSchema = z.strictObject({
  version: z
    .number({ error: 'must be a version number' })
    .int({ error: 'must be a version number' })
    .min(1, {
      error: 'must be a version number',
    }),
});
