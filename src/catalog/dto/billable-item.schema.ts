import { z } from 'zod';
import { keyField } from '../../common/validation';
import { nameField } from './fields';

export const BILLABLE_ITEM_KINDS = ['metered', 'licensed'] as const;
export type BillableItemKind = (typeof BILLABLE_ITEM_KINDS)[number];

/** Dimension values an event must carry to count towards the item; keys are checked against the meter. */
const filterField = z
  .record(z.string(), z.string({ error: 'must be a string' }), {
    error: 'must be an object of dimension values',
  })
  .default({});

const meteredItemSchema = z.strictObject({
  key: keyField,
  name: nameField,
  kind: z.literal('metered'),
  meter: keyField,
  filter: filterField,
});

const licensedItemSchema = z.strictObject({
  key: keyField,
  name: nameField,
  kind: z.literal('licensed'),
  meter: z.never({ error: 'must not be set: a licensed item has no meter' }).optional(),
  filter: z.never({ error: 'must not be set: a licensed item has no meter to filter' }).optional(),
});

export const createBillableItemSchema = z.discriminatedUnion(
  'kind',
  [meteredItemSchema, licensedItemSchema],
  {
    error: `must be one of ${BILLABLE_ITEM_KINDS.join(', ')}`,
  },
);

export type CreateBillableItemInput = z.output<typeof createBillableItemSchema>;
