import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MeterRecord } from '../catalog/meter.repository';
import { BatchedLoads } from '../common/batched-loads';
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

/** A customer's entry to read, for a check at `now`. */
interface EntryRead {
  externalId: string;
  now: Date;
}

/** Customers whose quota configuration is remembered at most. */
const CACHED_CUSTOMERS = 10_000;

export function measureOf(meter: MeterRecord): Measure {
  return meter.aggregation === 'count' ? 'events' : 'values';
}

/**
 * The quotas in force for a customer's active subscriptions (four statements
 * for all the customers missed together), remembered for
 * QUOTA_CONFIG_TRUST_MS so a check reads only usage and credit.
 * An entry is forgotten at once when this process changes the customer's
 * subscriptions or quotas (CustomerListeners), never used past the instant its
 * subscriptions change by themselves (a start, an end, a scheduled plan
 * change), and read again after QUOTA_CONFIG_TRUST_MS, the delay within which
 * a change made on another replica reaches this one.
 */
@Injectable()
export class QuotaConfigService {
  private readonly cache: ExpiringCache<string, Entry>;
  /** Misses of one turn of the event loop, or of while reads are under way, read together. */
  private readonly reads = new BatchedLoads((requests: readonly EntryRead[]) =>
    this.readAll(requests),
  );

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
    const at = now.getTime();
    const entry = await this.cache.getOrLoad(
      externalId,
      () => this.reads.load({ externalId, now }),
      ({ from, until }) => from <= at && at < until,
    );
    return entry?.config ?? null;
  }

  /**
   * The entries of the customers whose reads were asked together, read at the
   * earliest of their instants (an entry holds from then until the next
   * change), in four statements.
   */
  private async readAll(requests: readonly EntryRead[]): Promise<Array<Entry | null>> {
    const now = new Date(Math.min(...requests.map((request) => request.now.getTime())));
    const found = await this.customers.findByExternalIds(
      requests.map((request) => request.externalId),
    );
    const customerIds = [...found.values()].map((customer) => customer.id);
    if (customerIds.length === 0) return requests.map(() => null);
    const [subjects, nextChanges] = await Promise.all([
      this.subjects.active(customerIds, now),
      this.subscriptions.nextChangesOfCustomers(customerIds, now),
    ]);
    const quotasByCustomer = new Map<string, QuotaOfSubject[]>();
    for (const quota of await this.place(subjects, null)) {
      const quotas = quotasByCustomer.get(quota.subject.customerId);
      if (quotas) quotas.push(quota);
      else quotasByCustomer.set(quota.subject.customerId, [quota]);
    }
    return requests.map(({ externalId }) => {
      const customer = found.get(externalId);
      if (!customer) return null;
      return {
        config: { customerId: customer.id, quotas: quotasByCustomer.get(customer.id) ?? [] },
        from: now.getTime(),
        until: nextChanges.get(customer.id)?.getTime() ?? Number.POSITIVE_INFINITY,
      };
    });
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
    if (customerIds === null) return this.cache.clear();
    const changed = new Set(customerIds);
    this.cache.deleteWhere((entry) => changed.has(entry.config.customerId));
  }
}
