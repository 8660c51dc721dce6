import { toDecimalString } from '../../common/decimal';
import { PlanRecord } from '../plan.repository';
import { PlanVersionRecord } from '../plan-version.repository';
import { rateToJson } from './rate-json';
import { CurrencyOptions } from '../plan-version-currencies';
import { BlockTier } from '../prepaid-block-offer';

export function toPlanSummaryResponse(plan: PlanRecord) {
  return {
    key: plan.key,
    name: plan.name,
    currency: plan.currency,
    liveVersion: plan.liveVersion,
    createdAt: plan.createdAt.toISOString(),
  };
}

export function toPlanResponse(plan: PlanRecord, versions: PlanVersionRecord[]) {
  return {
    ...toPlanSummaryResponse(plan),
    versions: versions.map((version) => toPlanVersionResponse(plan, version)),
  };
}

export function toPlanVersionResponse(plan: PlanRecord, version: PlanVersionRecord) {
  return {
    plan: plan.key,
    version: version.version,
    live: plan.liveVersion === version.version,
    serviceInterval: { unit: version.serviceInterval.unit, count: version.serviceInterval.count },
    // null: the plan's currency, for customers of any currency (plan-version-currencies.ts)
    currencies: version.currencies,
    rates: version.rates.map((entry) => ({
      billableItem: entry.billableItem.key,
      rate: rateToJson(entry.rate),
      ...optionsResponse(entry.currencyOptions, rateToJson),
    })),
    licenceFees: version.licenceFees.map((fee) => ({
      billableItem: fee.billableItem.key,
      unitAmount: toDecimalString(fee.unitAmount),
      ...optionsResponse(fee.currencyOptions, (amount) => ({
        unitAmount: toDecimalString(amount),
      })),
    })),
    creditGrants: version.creditGrants.map((grant) => ({
      name: grant.name,
      amount: toDecimalString(grant.amount),
      ...optionsResponse(grant.currencyOptions, (amount) => ({ amount: toDecimalString(amount) })),
      appliesTo: grant.appliesTo.map((item) => item.key),
      expiresAfterIntervals: grant.expiresAfterIntervals,
      rollover: grant.rollover && {
        maximumAmount: toDecimalString(grant.rollover.maximumAmount),
        expiresAfterIntervals: grant.rollover.expiresAfterIntervals,
      },
    })),
    limits: version.limits.map((limit) => ({
      meter: limit.meter.key,
      quantity: toDecimalString(limit.quantity),
    })),
    commitment: version.commitment && {
      amount: toDecimalString(version.commitment.amount),
      interval: version.commitment.interval,
      prepaid: version.commitment.prepaid,
      ...optionsResponse(version.commitment.currencyOptions, (amount) => ({
        amount: toDecimalString(amount),
      })),
    },
    prepaidBlocks: version.prepaidBlocks.map((offer) => ({
      billableItem: offer.billableItem.key,
      tiers: tiersResponse(offer.tiers),
      ...optionsResponse(offer.currencyOptions, (tiers) => ({ tiers: tiersResponse(tiers) })),
      validForDays: offer.validForDays,
    })),
    createdAt: version.createdAt.toISOString(),
  };
}

function tiersResponse(tiers: BlockTier[]) {
  return tiers.map(({ units, price }) => ({
    units: toDecimalString(units),
    price: toDecimalString(price),
  }));
}

/** `currencyOptions` only where an entry has some, so single-currency versions answer as before. */
function optionsResponse<P, R>(options: CurrencyOptions<P>, toJson: (price: P) => R) {
  const entries = Object.entries(options);
  if (entries.length === 0) return {};
  return {
    currencyOptions: Object.fromEntries(entries.map(([code, price]) => [code, toJson(price)])),
  };
}

export type PlanSummaryResponse = ReturnType<typeof toPlanSummaryResponse>;
export type PlanResponse = ReturnType<typeof toPlanResponse>;
export type PlanVersionResponse = ReturnType<typeof toPlanVersionResponse>;
