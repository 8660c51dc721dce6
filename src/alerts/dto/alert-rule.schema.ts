import { z } from 'zod';
import { keyField, timestampField } from '../../common/validation';
import { ALERT_RULE_KIND_INPUTS, ALERT_RULE_TYPES } from '../alert-rule-kinds';

export const createAlertRuleSchema = z.discriminatedUnion('type', ALERT_RULE_KIND_INPUTS, {
  error: `must be one of ${ALERT_RULE_TYPES.join(', ')}`,
});
export type CreateAlertRuleInput = z.output<typeof createAlertRuleSchema>;

export const updateAlertRuleSchema = z.strictObject({
  enabled: z.boolean({ error: 'must be true or false' }),
});

/** `POST /v1/alerts/{id}/apply-upgrade`: where the credit for fees billed in advance goes (none means the defaults). */
export const applyUpgradeSchema = z.strictObject({
  refundToCredit: z
    .boolean({ error: 'must be true or false' })
    .default(false)
    .describe("put the credit note for fees billed in advance on the customer's credit balance"),
});

export const alertsQuerySchema = z.strictObject({
  customerExternalId: keyField.optional(),
  rule: z
    .enum(ALERT_RULE_TYPES, { error: `must be one of ${ALERT_RULE_TYPES.join(', ')}` })
    .optional(),
  since: timestampField.optional(),
});

export type AlertsQuery = z.output<typeof alertsQuerySchema>;
