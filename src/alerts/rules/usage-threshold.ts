import { z } from 'zod';
import { Decimal, toDecimalString, ZERO } from '../../common/decimal';
import { decimalField, keyField } from '../../common/validation';
import { EmailMessage } from '../../notifications/email-message';
import { billDetails, meterDetails } from '../alert-facts.service';
import { AlertRuleKind } from '../alert-rule-kind';
import { RuleBasis, MeterRef } from '../alert-rule';
import { ruleInput } from '../dto/alert-rule-input.schema';
import { baseAlert, emailFigures, Firing, hasLimit } from '../firing';

export interface UsageThresholdRule extends RuleBasis {
  type: 'usage_threshold';
  /** Percents of the limit, ascending. */
  levels: Decimal[];
  meter: MeterRef | null;
}

/**
 * The levels (percents of `limit`) that `quantity` has reached: every one of
 * them, so a jump from 0 to 120 % fires 80 and 100 together. Whether a level
 * already fired in this interval is the alerts table's unique key's business.
 */
export function levelsReached(
  quantity: Decimal,
  limit: Decimal,
  levels: readonly Decimal[],
): Decimal[] {
  if (!limit.gt(0)) return [];
  return levels.filter((level) => quantity.gte(limit.times(level).div(100)));
}

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
const input = ruleInput('usage_threshold', {
  levels: levelsField.default(() => [new Decimal(80), new Decimal(100)]),
  meter: keyField.optional(),
});

/** usage_threshold: a meter's usage in the service interval against the plan's limit, at each level. */
export const usageThreshold: AlertRuleKind<UsageThresholdRule, typeof input> = {
  type: 'usage_threshold',
  input,
  evaluated: { onIngest: true, scheduled: false },
  toParameters: (rule) => ({ levels: rule.levels }),
  fromParameters: (basis, parameters, meter) => ({
    ...basis,
    type: 'usage_threshold',
    meter,
    levels: parameters.levels ?? [],
  }),
  response: (rule) => ({
    levels: rule.levels.map(toDecimalString),
    meter: rule.meter?.key ?? null,
  }),
  // From the interval's usage so far against the limits: nearly every batch crosses nothing.
  async mayFire(rule, facts) {
    const limits = facts.subject.limits.filter(
      (limit) => rule.meter === null || rule.meter.id === limit.meterId,
    );
    if (limits.length === 0) return false;
    const usage = await facts.usage();
    return limits.some((limit) =>
      levelsReached(usage.get(limit.meterId) ?? ZERO, limit.quantity, rule.levels).some(
        (level) => !facts.fired(rule.id, toDecimalString(level), limit.meterId),
      ),
    );
  },
  async firings(rule, forecast, now) {
    return forecast.meters
      .filter(hasLimit)
      .filter((meter) => rule.meter === null || rule.meter.id === meter.meterId)
      .flatMap((meter) =>
        levelsReached(meter.quantity, meter.limit, rule.levels).map((level): Firing => {
          const alert = baseAlert(rule, forecast, now, {
            meterId: meter.meterId,
            level: toDecimalString(level),
            quantity: meter.quantity,
            limit: meter.limit,
            amount: forecast.projectedBill.expected,
            thresholdAmount: null,
            details: {
              ...meterDetails(meter),
              ...billDetails(forecast),
              levelPercent: toDecimalString(level),
            },
          });
          const figures = emailFigures(meter, forecast);
          const email = (id: string): EmailMessage =>
            level.gte(100)
              ? {
                  dedupeKey: `alert:${id}`,
                  customerId: forecast.subject.customerId,
                  template: 'usage_limit_reached',
                  critical: true,
                  data: { ...figures, limitReachedAt: now },
                }
              : {
                  dedupeKey: `alert:${id}`,
                  customerId: forecast.subject.customerId,
                  template: 'usage_threshold',
                  critical: false,
                  data: { ...figures, thresholdPercent: level.toNumber() },
                };
          return { alert, email };
        }),
      );
  },
};
