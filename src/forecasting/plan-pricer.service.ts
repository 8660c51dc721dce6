import { Injectable } from '@nestjs/common';
import { BillableItemRepository } from '../catalog/billable-item.repository';
import { licenceQuantitiesOf } from '../catalog/licence-quantities';
import { PlanRepository } from '../catalog/plan.repository';
import { PlanVersionRecord, PlanVersionRepository } from '../catalog/plan-version.repository';
import { billedCurrencies, pricedIn } from '../catalog/plan-version-currencies';
import { Decimal } from '../common/decimal';
import { addCalendar } from '../common/period';
import { quotePlanInterval } from '../quotes/plan-interval-quote';
import { ProfileUsage, resolveUsageProfile } from '../quotes/usage-profile';
import { usageKindOf } from '../quotes/usage-kind';

/** A plan version ready to price usage profiles: its rates with their meters and item names. */
export interface PricedVersion {
  planKey: string;
  currency: string;
  version: PlanVersionRecord;
  meterOfItem: ReadonlyMap<string, string | null>;
  itemNames: ReadonlyMap<string, string>;
}

/**
 * One service interval of a plan version priced for projected quantities per
 * meter, exactly as the price calculator (POST /v1/quotes with a usage profile)
 * prices it: rates, licence fees, the plan's credits. Every billable item of a
 * meter gets the meter's quantity; percentage rates, priced from event values a
 * projection does not have, count as no events.
 */
@Injectable()
export class PlanPricer {
  constructor(
    private readonly plans: PlanRepository,
    private readonly versions: PlanVersionRepository,
    private readonly items: BillableItemRepository,
  ) {}

  /** The version priced in `currency`; null when it has no such version or does not bill in it. */
  async load(
    planId: string,
    planKey: string,
    currency: string,
    number: number,
  ): Promise<PricedVersion | null> {
    const [plan, found] = await Promise.all([
      this.plans.findByKey(planKey),
      this.versions.findOne(planId, number),
    ]);
    if (!plan || !found) return null;
    if (!billedCurrencies(plan.currency, found.currencies).includes(currency)) return null;
    const version = pricedIn(found, plan.currency, currency);
    const items = await this.items.findByKeys([
      ...version.rates.map((entry) => entry.billableItem.key),
      ...version.licenceFees.map((fee) => fee.billableItem.key),
    ]);
    return {
      planKey,
      currency,
      version,
      meterOfItem: new Map([...items.values()].map((item) => [item.key, item.meterKey])),
      itemNames: new Map([...items.values()].map((item) => [item.key, item.name])),
    };
  }

  /** The interval's total before tax for these quantities (by meter key) and licence quantities (by item key). */
  price(
    priced: PricedVersion,
    quantities: ReadonlyMap<string, Decimal>,
    licenceQuantities: Readonly<Record<string, Decimal>>,
    intervalStart: Date,
  ): Decimal {
    const profile: Record<string, ProfileUsage> = {};
    for (const { billableItem, rate } of priced.version.rates) {
      const meterKey = priced.meterOfItem.get(billableItem.key);
      const quantity = meterKey ? quantities.get(meterKey) : undefined;
      if (quantity !== undefined && usageKindOf(rate.model) === 'quantity')
        profile[billableItem.key] = quantity;
    }
    const { rated } = resolveUsageProfile(
      priced.version.rates.map(({ billableItem, rate }) => ({
        billableItemKey: billableItem.key,
        meterKey: priced.meterOfItem.get(billableItem.key) ?? null,
        rate,
      })),
      profile,
    );
    const knownLicences = Object.fromEntries(
      Object.entries(licenceQuantities).filter(([key]) =>
        priced.version.licenceFees.some((fee) => fee.billableItem.key === key),
      ),
    );
    const draft = quotePlanInterval({
      currency: priced.currency,
      interval: {
        start: intervalStart,
        end: addCalendar(intervalStart, priced.version.serviceInterval, 1),
      },
      rated,
      licences: licenceQuantitiesOf(priced.version, knownLicences).map(({ fee, quantity }) => ({
        billableItemKey: fee.billableItem.key,
        unitAmount: fee.unitAmount,
        quantity,
      })),
      creditGrants: priced.version.creditGrants,
      commitment: priced.version.commitment,
      itemNames: priced.itemNames,
    });
    return draft.total;
  }

  /** The live version of every plan that bills in `currency`, priced in it, for recommendations. */
  async liveVersions(currency: string): Promise<PricedVersion[]> {
    const plans = await this.plans.list();
    const loaded = await Promise.all(
      plans.map((plan) =>
        plan.liveVersion === null ? null : this.load(plan.id, plan.key, currency, plan.liveVersion),
      ),
    );
    return loaded.filter((version): version is PricedVersion => version !== null);
  }
}
