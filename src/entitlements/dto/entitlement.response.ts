import { z } from 'zod';
import { DECIMAL_PATTERN, toDecimalString } from '../../common/decimal';
import { formatUnrounded } from '../../common/money';
import { CustomerEntitlements, MeterEntitlement } from '../entitlements.service';
import { QUOTA_ALIGNMENTS, QUOTA_KINDS, QUOTA_WINDOWS } from '../quota-window';
import { QUOTA_OVERAGES } from './quota.schema';

const decimalString = z.string().regex(DECIMAL_PATTERN);
const instant = z.iso.datetime();

/** The answer's shape, for the OpenAPI document; the mappers below are typed by it. */
const meterEntitlementSchema = z.object({
  meter: z.string(),
  allowed: z.boolean().describe('every quota on the meter allows more usage'),
  quotas: z.array(
    z.object({
      subscriptionId: z.string(),
      window: z.enum(QUOTA_WINDOWS),
      alignment: z.enum(QUOTA_ALIGNMENTS),
      kind: z.enum(QUOTA_KINDS),
      overage: z.enum(QUOTA_OVERAGES),
      source: z.enum(['plan', 'subscription']),
      quantity: decimalString,
      used: decimalString,
      remaining: decimalString,
      allowed: z.boolean(),
      exceeded: z.boolean(),
      windowStart: instant,
      windowEnd: instant,
      resetsAt: instant,
    }),
  ),
  credit: z
    .object({
      currency: z.string(),
      balance: decimalString.describe('available ledger credit that pays for the meter'),
      prepaidUnits: decimalString.describe(
        "units left in the customer's prepaid blocks of the meter's billable items",
      ),
    })
    .nullable()
    .describe(
      "what pays a hard quota's overage: credits (a balance or units above zero); null when nothing does",
    ),
});

export const entitlementsResponseSchema = z.object({
  customerExternalId: z.string(),
  checkedAt: instant,
  allowed: z.boolean(),
  entitlements: z.array(meterEntitlementSchema),
});

export const meterEntitlementsResponseSchema = z.object({
  customerExternalId: z.string(),
  checkedAt: instant,
  ...meterEntitlementSchema.shape,
});

export function toMeterEntitlementResponse(
  entitlement: MeterEntitlement,
): z.output<typeof meterEntitlementSchema> {
  return {
    meter: entitlement.meter.key,
    allowed: entitlement.allowed,
    quotas: entitlement.quotas.map((answer) => ({
      subscriptionId: answer.quota.subscriptionId,
      window: answer.quota.window,
      alignment: answer.quota.alignment,
      kind: answer.quota.kind,
      overage: answer.quota.overage,
      source: answer.quota.source,
      quantity: answer.quota.quantity.toFixed(),
      used: answer.used.toFixed(),
      remaining: answer.remaining.toFixed(),
      allowed: answer.allowed,
      exceeded: answer.exceeded,
      windowStart: answer.window.start.toISOString(),
      windowEnd: answer.window.end.toISOString(),
      resetsAt: answer.resetsAt.toISOString(),
    })),
    credit: entitlement.credit && {
      currency: entitlement.credit.currency,
      balance: formatUnrounded(entitlement.credit.balance, entitlement.credit.currency),
      prepaidUnits: toDecimalString(entitlement.credit.prepaidUnits),
    },
  };
}

export function toEntitlementsResponse(
  entitlements: CustomerEntitlements,
): z.output<typeof entitlementsResponseSchema> {
  return {
    customerExternalId: entitlements.customerExternalId,
    checkedAt: entitlements.checkedAt.toISOString(),
    allowed: entitlements.meters.every((meter) => meter.allowed),
    entitlements: entitlements.meters.map(toMeterEntitlementResponse),
  };
}

export function toMeterEntitlementsResponse(
  entitlements: CustomerEntitlements,
): z.output<typeof meterEntitlementsResponseSchema> {
  const [meter] = entitlements.meters;
  return {
    customerExternalId: entitlements.customerExternalId,
    checkedAt: entitlements.checkedAt.toISOString(),
    ...toMeterEntitlementResponse(meter),
  };
}
