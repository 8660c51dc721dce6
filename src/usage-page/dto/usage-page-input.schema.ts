import { z } from 'zod';
import { isUuid } from '../../common/ids';
import { decimalField, keyField, parseInput } from '../../common/validation';
import { CalculatorEdits } from '../usage-page.service';
import { REQUEST_KINDS, REQUEST_STATUSES } from '../usage-requests.repository';

const subscriptionField = z
  .string({ error: 'must be a subscription id' })
  .refine(isUuid, { error: 'must be a subscription id' });

const USAGE_PREFIX = 'usage.';

/**
 * The calculator's figures from a query string: `subscription` and one
 * `usage.<meter key>` per edited meter (the form's field names). Null when no
 * subscription is named: the page shows the projections.
 */
export function parseCalculatorQuery(query: Record<string, unknown>): CalculatorEdits | null {
  if (query.subscription === undefined) return null;
  const subscriptionId = parseInput(
    z.object({ subscription: subscriptionField }),
    query,
  ).subscription;
  const quantity = decimalField({ nonNegative: true });
  const edits = Object.fromEntries(
    Object.entries(query).filter(([name]) => name.startsWith(USAGE_PREFIX)),
  );
  const usage = parseInput(z.record(z.string(), quantity), edits);
  return {
    subscriptionId,
    usage: new Map(
      Object.entries(usage).map(([name, value]) => [name.slice(USAGE_PREFIX.length), value]),
    ),
  };
}

/** The page's "Ask for this plan" and "Top up credits" forms. */
export const requestFormSchema = z
  .object({
    subscription: subscriptionField,
    kind: z.enum(REQUEST_KINDS, { error: `must be one of ${REQUEST_KINDS.join(', ')}` }),
    plan: keyField.optional(),
  })
  .superRefine((form, ctx) => {
    if (form.kind === 'plan_change' && form.plan === undefined)
      ctx.addIssue({ code: 'custom', path: ['plan'], message: 'is required to ask for a plan' });
    if (form.kind === 'credit_top_up' && form.plan !== undefined)
      ctx.addIssue({ code: 'custom', path: ['plan'], message: 'must not be given for a top-up' });
  });

/** `GET /v1/usage-page-requests`. */
export const requestListQuerySchema = z.object({
  status: z
    .enum(REQUEST_STATUSES, { error: `must be one of ${REQUEST_STATUSES.join(', ')}` })
    .optional(),
  limit: z.coerce
    .number({ error: 'must be a whole number from 1 to 200' })
    .int({ error: 'must be a whole number from 1 to 200' })
    .min(1, { error: 'must be a whole number from 1 to 200' })
    .max(200, { error: 'must be a whole number from 1 to 200' })
    .default(50),
});

/** `POST /v1/usage-page-requests/{id}/apply`: from the next billing period (default) or now, prorated. */
export const applyRequestSchema = z.strictObject({
  effective: z
    .enum(['period_end', 'now'], { error: "must be 'period_end' or 'now'" })
    .default('period_end'),
  refundToCredit: z
    .boolean({ error: 'must be true or false' })
    .default(false)
    .describe(
      "with effective 'now': put the credit note for fees billed in advance on the customer's credit balance",
    ),
});
