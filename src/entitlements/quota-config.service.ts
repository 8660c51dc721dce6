import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MeterRecord } from '../catalog/meter.repository';
import { CustomerListeners } from '../common/customer-listeners.service';
import { ExpiringCache } from '../common/expiring-cache';
import { AppConfig } from '../config/app-config';
import { CustomerRepository } from '../customers/customer.repository';
import { SubscriptionRepository } from '../customers/subscription.repository';
import { Queryable } from '../database/transaction';
import {
  ForecastSubject,
  ForecastSubjectsRepository,
} from '../forecasting/forecast-subjects.repository';
import { CatalogDirectory } from './catalog-directory.service';
import { Measure } from './entitlement-usage.repository';
import { QuotaInForce, QuotasRepository } from './quotas.repository';

/** A quota in force with its subscription and meter, before it is placed in a window. */
export interface QuotaOfSubject {
  quota: QuotaInForce;
  subject: ForecastSubject;
  meter: MeterRecord;
  measure: Measure;
}

/** What the entitlement check needs to know about a customer besides its usage and credit. */
export interface QuotaConfig {
  customerId: string;
  quotas: QuotaOfSubject[];
}

interface Entry {
  config: QuotaConfig;
  /** The clock instants it holds for: from its read until the subscriptions change by themselves. */
  from: number;
  until: number;
}

/** Customers whose quota configuration is remembered at most. */
const CACHED_CUSTOMERS = 10_000;

export function measureOf(meter: MeterRecord): Measure {
  return meter.aggregation === 'count' ? 'events' : 'values';
}

/**
 * The quotas in force for a customer's active subscriptions (four reads),
 * remembered for QUOTA_CONFIG_TRUST_MS so a check reads only usage and credit.
 * An entry is forgotten at once when this process changes the customer's
 * subscriptions or quotas (CustomerListeners), never used past the instant its
 * subscriptions change by themselves (a start, an end, a scheduled plan
 * change), and read again after QUOTA_CONFIG_TRUST_MS, the delay within which
 * a change made on another replica reaches this one.
 */
@Injectable()
export class QuotaConfigService {
  private readonly cache: ExpiringCache<string, Entry>;
  /** Counts invalidations, so a read that raced one is not remembered. */
  private generation = 0;

  constructor(
    private readonly db: DataSource,
    private readonly customers: CustomerRepository,
    private readonly subscriptions: SubscriptionRepository,
    private readonly subjects: ForecastSubjectsRepository,
    private readonly quotas: QuotasRepository,
    private readonly directory: CatalogDirectory,
    listeners: CustomerListeners,
    config: AppConfig,
  ) {
    this.cache = new ExpiringCache(config.trust.quotaConfigMs, CACHED_CUSTOMERS);
    listeners.subscribe((customerIds) => this.forget(customerIds));
  }

  /** The customer's quota configuration at `now`, or null for an unknown customer. */
  async forCustomer(externalId: string, now: Date): Promise<QuotaConfig | null> {
    const cached = this.cache.get(externalId);
    const at = now.getTime();
    if (cached && cached.from <= at && at < cached.until) return cached.config;
    const generation = this.generation;
    const customer = await this.customers.findByExternalId(externalId);
    if (!customer) return null;
    const [subjects, nextChange] = await Promise.all([
      this.subjects.active([customer.id], now),
      this.subscriptions.nextChangeOfCustomer(customer.id, now),
    ]);
    const config = { customerId: customer.id, quotas: await this.place(subjects, null) };
    if (generation === this.generation) {
      this.cache.set(externalId, {
        config,
        from: at,
        until: nextChange?.getTime() ?? Number.POSITIVE_INFINITY,
      });
    }
    return config;
  }

  /** The quotas in force for these subscriptions (of one meter when given), with their meters. */
  async place(
    subjects: readonly ForecastSubject[],
    meterId: string | null,
    db: Queryable = this.db,
  ): Promise<QuotaOfSubject[]> {
    const inForce = await this.quotas.inForce(subjects, db);
    const bySubscription = new Map(subjects.map((subject) => [subject.subscriptionId, subject]));
    const placed: QuotaOfSubject[] = [];
    for (const quota of inForce) {
      if (meterId !== null && quota.meterId !== meterId) continue;
      const meter = await this.directory.meterById(quota.meterId);
      const subject = bySubscription.get(quota.subscriptionId);
      if (!meter || !subject) continue;
      placed.push({ quota, subject, meter, measure: measureOf(meter) });
    }
    return placed;
  }

  private forget(customerIds: readonly string[] | null): void {
    this.generation += 1;
    if (customerIds === null) return this.cache.clear();
    const changed = new Set(customerIds);
    this.cache.deleteWhere((entry) => changed.has(entry.config.customerId));
  }
}
