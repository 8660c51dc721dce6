import { z } from 'zod';
import { keyField } from '../common/validation';

export const accuracyQuerySchema = z.strictObject({
  customerExternalId: keyField.optional(),
  meter: keyField.optional(),
});
