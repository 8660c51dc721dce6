import { z } from 'zod';
import { parseInput } from '../../common/validation';
import { ExplicitQuoteRequest, explicitQuoteSchema } from './explicit-quote.schema';
import { PlanQuoteRequest, planQuoteSchema } from './plan-quote.schema';

export type QuoteRequest =
  ({ form: 'explicit' } & ExplicitQuoteRequest) | ({ form: 'plan' } & PlanQuoteRequest);

/** Both forms, for the API reference; parseQuoteRequest picks one to report precise errors. */
export const quoteRequestSchema = z.union([explicitQuoteSchema, planQuoteSchema]);

/** A body naming a `plan` is the plan form; any other is the explicit form and validated as such. */
export function parseQuoteRequest(body: unknown): QuoteRequest {
  const namesPlan = typeof body === 'object' && body !== null && 'plan' in body;
  return namesPlan
    ? { form: 'plan', ...parseInput(planQuoteSchema, body) }
    : { form: 'explicit', ...parseInput(explicitQuoteSchema, body) };
}
