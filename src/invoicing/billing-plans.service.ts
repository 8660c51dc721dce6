import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BillableItemRepository } from '../catalog/billable-item.repository';
import { CatalogRef, PlanVersionRepository } from '../catalog/plan-version.repository';
import { pricedIn } from '../catalog/plan-version-currencies';
import { BillingPlan, MeteredItem } from './billing-plan';

/**
 * Plan versions by id and currency, in billing shape, kept in memory: versions
 * and billable items are never updated, so an entry never goes stale, and a
 * billing run over thousands of subscriptions on a handful of versions reads
 * each one once.
 */
@Injectable()
export class BillingPlans {
  private readonly cache = new Map<string, Promise<BillingPlan>>();

  constructor(
    private readonly db: DataSource,
    private readonly versions: PlanVersionRepository,
    private readonly items: BillableItemRepository,
  ) {}

  /** The version priced in `currency`, one it bills in (the subscription's). */
  get(versionId: string, currency: string): Promise<BillingPlan> {
    const key = `${versionId}:${currency}`;
    let plan = this.cache.get(key);
    if (!plan) {
      plan = this.load(versionId, currency);
      this.cache.set(key, plan);
      // A failed read (say, a lost connection) must not stay cached.
      plan.catch(() => this.cache.delete(key));
    }
    return plan;
  }

  private async load(versionId: string, currency: string): Promise<BillingPlan> {
    const row = await this.versions.findByIdWithPlan(versionId, this.db);
    if (!row) throw new Error(`plan version ${versionId} does not exist`);
    const found = await this.versions.findOne(row.planId, row.version, this.db);
    if (!found) throw new Error(`plan version ${versionId} does not exist`);
    const record = pricedIn(found, row.currency, currency);

    const itemKeys = [...record.rates, ...record.licenceFees].map(
      (entry) => entry.billableItem.key,
    );
    const items = await this.items.findByKeys(itemKeys, this.db);
    const itemOf = (ref: CatalogRef) => {
      const item = items.get(ref.key);
      if (!item) throw new Error(`billable item ${ref.key} does not exist`);
      return item;
    };
    return {
      versionId,
      planKey: row.planKey,
      version: row.version,
      currency,
      serviceInterval: record.serviceInterval,
      rates: record.rates.map(({ billableItem, rate }) => {
        const { name, meterId, filter } = itemOf(billableItem);
        if (meterId === null) throw new Error(`billable item ${billableItem.key} has no meter`);
        const item: MeteredItem = { ...billableItem, name, meterId, filter };
        return { item, rate };
      }),
      licenceFees: record.licenceFees.map(({ billableItem, unitAmount }) => ({
        item: { ...billableItem, name: itemOf(billableItem).name },
        unitAmount,
      })),
      creditGrants: record.creditGrants.map((grant) => ({
        id: grant.id,
        name: grant.name,
        amount: grant.amount,
        appliesTo: grant.appliesTo.map((item) => item.id),
        expiresAfterIntervals: grant.expiresAfterIntervals,
      })),
      commitment: record.commitment,
    };
  }
}
