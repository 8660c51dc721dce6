import { z } from 'zod';
import { distinctBy, wholeNumberField } from '../../catalog/dto/fields';
import { Decimal } from '../../common/decimal';
import { decimalField, keyField, timestampField } from '../../common/validation';
import { ALERT_CHANNELS, ALERT_RULE_TYPES, AlertChannel } from '../alert-rule';

const MAX_LEVEL = new Decimal(1000);

const levelsField = z
  .array(decimalField({ allowNumber: true, positive: true }), {
    error: 'must be a list of percents such as ["80", "100"]',
  })
  .min(1, { error: 'must list at least one level' })
  .superRefine((levels, ctx) => {
    levels.forEach((level, index) => {
      if (level.lt(1) || level.gt(MAX_LEVEL)) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be between 1 and 1000 percent',
          path: [index],
        });
      } else if (index > 0 && !level.gt(levels[index - 1])) {
        ctx.addIssue({
          code: 'custom',
          message: 'must be greater than the previous level',
          path: [index],
        });
      }
    });
  });

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

export const createAlertRuleSchema = z.discriminatedUnion(
  'type',
  [
    z.strictObject({
      type: z.literal('usage_threshold'),
      levels: levelsField.default(() => [new Decimal(80), new Decimal(100)]),
      meter: keyField.optional(),
      ...basis,
    }),
    z.strictObject({
      type: z.literal('spend_threshold'),
      amount: decimalField({ positive: true }),
      ...basis,
    }),
    z.strictObject({
      type: z.literal('bill_shock'),
      factor: decimalField({ allowNumber: true, positive: true }).refine((f) => f.gt(1), {
        error: 'must be greater than 1',
      }),
      minIncrease: decimalField({ nonNegative: true }).default(() => new Decimal(0)),
      ...basis,
    }),
    z.strictObject({
      type: z.literal('credit_balance_low'),
      percent: decimalField({ allowNumber: true, positive: true }).refine((p) => p.lte(100), {
        error: 'must be at most 100',
      }),
      ...basis,
    }),
    z.strictObject({
      type: z.literal('usage_spike'),
      multiplier: decimalField({ allowNumber: true, positive: true }).refine((m) => m.gt(1), {
        error: 'must be greater than 1',
      }),
      meter: keyField.optional(),
      ...basis,
    }),
    z
      .strictObject({
        type: z.literal('quota_pressure'),
        /** N: quota hits that make pressure… */
        hits: wholeNumberField(1, 10_000).default(5),
        /** …within M consecutive windows of the quota (5 hourly caps in a week: 5 within 168). */
        windows: wholeNumberField(1, 10_000).default(168),
        meter: keyField.optional(),
        ...basis,
        // Pressure is a sales signal first: the customer hears of it, the owner gets a task and a deal.
        channels: channelsField.default((): AlertChannel[] => [
          'email',
          'crm_task',
          'crm_opportunity',
        ]),
      })
      .refine((rule) => rule.windows >= rule.hits, {
        path: ['windows'],
        error: 'must be at least hits: a quota is reached at most once per window',
      }),
  ],
  { error: `must be one of ${ALERT_RULE_TYPES.join(', ')}` },
);

export type CreateAlertRuleInput = z.output<typeof createAlertRuleSchema>;

export const updateAlertRuleSchema = z.strictObject({
  enabled: z.boolean({ error: 'must be true or false' }),
});

export const alertsQuerySchema = z.strictObject({
  customerExternalId: keyField.optional(),
  rule: z
    .enum(ALERT_RULE_TYPES, { error: `must be one of ${ALERT_RULE_TYPES.join(', ')}` })
    .optional(),
  since: timestampField.optional(),
});

export type AlertsQuery = z.output<typeof alertsQuerySchema>;
