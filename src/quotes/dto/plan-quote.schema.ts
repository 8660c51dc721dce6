import { z } from 'zod';
import { licenceQuantitiesField, wholeNumberField } from '../../catalog/dto/fields';
import { keyField } from '../../common/validation';
import { ProfileUsage } from '../usage-profile';
import { eventValuesField, usageQuantityField } from './usage-fields';

const PROFILE_USAGE =
  'a quantity such as "2500000", or for a percentage rate the value of each event (["120.00"])';

/** A quantity, or (for a percentage rate) a list of event values; errors name the element. */
const profileUsageField = z
  .unknown()
  .transform((value, ctx): ProfileUsage => {
    if (!Array.isArray(value) && typeof value !== 'string' && typeof value !== 'number') {
      ctx.addIssue({ code: 'custom', message: `must be ${PROFILE_USAGE}` });
      return z.NEVER;
    }
    const parsed = (Array.isArray(value) ? eventValuesField : usageQuantityField).safeParse(value);
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
    }
    return z.NEVER;
  })
  .meta({ description: PROFILE_USAGE });

/** `POST /v1/quotes`, plan form: one service interval of a plan version for a usage profile. */
export const planQuoteSchema = z.strictObject({
  plan: keyField,
  /** Defaults to the plan's live version. */
  version: wholeNumberField(1).optional(),
  /** By meter key, or by billable item key for one item of a meter (see usage-profile.ts). */
  usage: z
    .record(z.string(), profileUsageField, { error: 'must be an object of usage by meter key' })
    .default({}),
  licenceQuantities: licenceQuantitiesField(),
});

export type PlanQuoteRequest = z.output<typeof planQuoteSchema>;
