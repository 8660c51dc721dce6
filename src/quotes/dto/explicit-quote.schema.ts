import { z } from 'zod';
import { rateSchema } from '../../catalog/dto/rate.schema';
import { Decimal } from '../../common/decimal';
import { FieldProblem } from '../../common/errors';
import { currencyField } from '../../common/validation';
import { QuoteItem } from '../../rating/quote';
import { Rate, Usage } from '../../rating/rate';
import { usageKindOf } from '../usage-kind';
import { eventValuesField, usageQuantityField } from './usage-fields';

const MAX_ITEMS = 100;

/**
 * An item: a rate with the usage its model is priced from, `quantity` for
 * per_unit, package, volume and graduated, `events` for percentage. The other
 * field, or a missing one, is reported on that field.
 */
const itemSchema = z
  .strictObject({
    rate: rateSchema,
    quantity: usageQuantityField.optional(),
    events: eventValuesField.optional(),
  })
  .transform((item, ctx): QuoteItem => {
    const usage = usageOf(item);
    if ('problem' in usage) {
      ctx.addIssue({ code: 'custom', message: usage.problem, path: [usage.field] });
      return z.NEVER;
    }
    return { rate: item.rate, usage };
  });

function usageOf(item: {
  rate: Rate;
  quantity?: Decimal;
  events?: Decimal[];
}): Usage | FieldProblem {
  const { model } = item.rate;
  if (usageKindOf(model) === 'events') {
    if (item.quantity !== undefined) {
      return {
        field: 'quantity',
        problem:
          'must not be given: a percentage rate is priced from events (the value of each event)',
      };
    }
    if (item.events === undefined) {
      return {
        field: 'events',
        problem: 'is required: a percentage rate is priced from the value of each event',
      };
    }
    return { events: item.events };
  }
  if (item.events !== undefined) {
    return {
      field: 'events',
      problem: `must not be given: a ${model} rate is priced from a quantity`,
    };
  }
  if (item.quantity === undefined) {
    return { field: 'quantity', problem: `is required: a ${model} rate is priced from a quantity` };
  }
  return { quantity: item.quantity };
}

/** `POST /v1/quotes`, explicit form: rates with usage, priced in a currency. */
export const explicitQuoteSchema = z.strictObject({
  currency: currencyField,
  items: z
    .array(itemSchema, { error: 'must be a list of items' })
    .min(1, { error: 'must have at least one item' })
    .max(MAX_ITEMS, { error: `must have at most ${MAX_ITEMS} items` }),
});

export type ExplicitQuoteRequest = z.output<typeof explicitQuoteSchema>;
