import { z } from 'zod';
import { distinctBy } from '../../catalog/dto/fields';
import { keyField } from '../../common/validation';
import { ALERT_CHANNELS, AlertChannel } from '../alert-rule';

const channelsField = z
  .array(z.enum(ALERT_CHANNELS, { error: `must be one of ${ALERT_CHANNELS.join(', ')}` }), {
    error: 'must be a list of channels',
  })
  .min(1, { error: 'must list at least one channel' })
  .superRefine(distinctBy((channel) => channel))
  .default((): AlertChannel[] => ['email']);

/** `{}` or omitted: every customer. */
const scopeField = z
  .union(
    [
      z.strictObject({ plan: keyField }),
      z.strictObject({ customerExternalId: keyField }),
      z.strictObject({}),
    ],
    { error: 'must be {"plan": key}, {"customerExternalId": id} or omitted' },
  )
  .default({});

const basis = { scope: scopeField, channels: channelsField, enabled: z.boolean().default(true) };

/** A rule kind's body in `POST /v1/alert-rules`: its type and own fields, beside scope, channels and enabled. */
export function ruleInput<T extends string, F extends z.ZodRawShape>(type: T, fields: F) {
  return z.strictObject({ type: z.literal(type), ...fields, ...basis });
}
