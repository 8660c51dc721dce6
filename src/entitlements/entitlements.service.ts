import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { MeterRecord } from '../catalog/meter.repository';
import { Clock } from '../common/clock';
import { currentServiceInterval } from '../common/billing-schedule';
import { Decimal, sumDecimals } from '../common/decimal';
import { NotFoundError } from '../common/errors';
import { alignToHours } from '../common/hour-alignment';
import { Interval } from '../common/period';
import { PrepaidBlockRepository } from '../credits/prepaid-block.repository';
import { CreditLedgerRepository } from '../credits/credit-ledger.repository';
import { Queryable } from '../database/transaction';
import {
  ForecastSubject,
  ForecastSubjectsRepository,
} from '../forecasting/forecast-subjects.repository';
import { CatalogDirectory } from './catalog-directory.service';
import { EntitlementUsageRepository, UsageWindow } from './entitlement-usage.repository';
import { QuotaConfigService, QuotaOfSubject } from './quota-config.service';
import { fixedLengthMs, QuotaStanding, rollingResetsAt, standing, windowAt } from './quota-window';
import { QuotaInForce } from './quotas.repository';

/**
 * Credit that can pay for a meter, in the plan's currency: the ledger's
 * available credit, and the units left in prepaid blocks of the meter's items.
 */
export interface MeterCredit {
  currency: string;
  balance: Decimal;
  prepaidUnits: Decimal;
}

/** One quota of one subscription, measured in the window that counts now. */
export interface QuotaAnswer extends QuotaStanding {
  quota: QuotaInForce;
  meter: MeterRecord;
  window: Interval;
  resetsAt: Date;
}

export interface MeterEntitlement {
  meter: MeterRecord;
  /** Every quota on the meter allows more usage. */
  allowed: boolean;
  quotas: QuotaAnswer[];
  credit: MeterCredit | null;
}

export interface CustomerEntitlements {
  customerExternalId: string;
  checkedAt: Date;
  meters: MeterEntitlement[];
}

/** A quota placed in its window, before its usage is read. */
export interface PlacedQuota extends QuotaOfSubject {
  window: Interval;
}

/** The service interval of a subscription that contains `at`, on whole hours (as usage is kept). */
export function serviceIntervalAt(subject: ForecastSubject, at: Date): Interval | null {
  const schedule = alignToHours(subject.schedule);
  return schedule && currentServiceInterval(schedule, at);
}

/**
 * "May this customer use more right now?": every quota of the customer's
 * active subscriptions (their configuration kept by QuotaConfigService),
 * measured from the usage buckets ingestion keeps, with the credit that pays
 * for each meter: usage, credit and prepaid block units are read live, side
 * by side, so an event, a top-up or a block bought changes the next answer.
 */
@Injectable()
export class EntitlementsService {
  constructor(
    private readonly db: DataSource,
    private readonly subjects: ForecastSubjectsRepository,
    private readonly config: QuotaConfigService,
    private readonly usage: EntitlementUsageRepository,
    private readonly ledger: CreditLedgerRepository,
    private readonly directory: CatalogDirectory,
    private readonly clock: Clock,
    private readonly blocks: PrepaidBlockRepository,
  ) {}

  async check(externalId: string, meterKey: string | null = null): Promise<CustomerEntitlements> {
    const now = this.clock.now();
    const config = await this.config.forCustomer(externalId, now);
    if (!config) throw new NotFoundError('customer', externalId);
    let meter: MeterRecord | null = null;
    if (meterKey !== null) {
      meter = await this.directory.meterByKey(meterKey);
      if (!meter) throw new NotFoundError('meter', meterKey);
    }
    const quotas = meter
      ? config.quotas.filter((quota) => quota.meter.id === meter.id)
      : config.quotas;
    const meters = await this.measure(config.customerId, quotas, now);
    // A meter without a quota for this customer: nothing limits it.
    if (meter && meters.length === 0)
      meters.push({ meter, allowed: true, quotas: [], credit: null });
    return { customerExternalId: externalId, checkedAt: now, meters };
  }

  /** The customer's quotas at `now`, read afresh (for jobs, which a stale answer would mislead). */
  async evaluate(customerId: string, now: Date): Promise<MeterEntitlement[]> {
    const subjects = await this.subjects.active([customerId], now);
    return this.measure(customerId, await this.config.place(subjects, null), now);
  }

  /** These quotas placed in their windows at `now`, measured, grouped by meter. */
  private async measure(
    customerId: string,
    quotas: readonly QuotaOfSubject[],
    now: Date,
  ): Promise<MeterEntitlement[]> {
    const windows: Array<PlacedQuota & UsageWindow> = [];
    for (const quota of quotas) {
      const window = windowAt(quota.quota, now, serviceIntervalAt(quota.subject, now));
      if (window === null) continue;
      windows.push({
        ...quota,
        window,
        ...window,
        id: windows.length,
        customerId,
        meterId: quota.meter.id,
      });
    }
    const [used, credits] = await Promise.all([
      this.usage.usedIn(windows),
      this.creditFor(
        customerId,
        windows.map(({ subject, meter }) => ({ currency: subject.currency, meterId: meter.id })),
        now,
      ),
    ]);
    const byMeter = new Map<string, MeterEntitlement>();
    for (const placedQuota of windows) {
      const { quota, meter } = placedQuota;
      const credit = credits.get(creditKey(placedQuota.subject.currency, meter.id)) ?? null;
      const answer = standing(
        quota.kind,
        quota.quantity,
        used.get(placedQuota.id) ?? new Decimal(0),
        quota.overage === 'credits' && credit !== null && credit.balance.gt(0),
      );
      const entry = byMeter.get(meter.id) ?? { meter, allowed: true, quotas: [], credit };
      entry.quotas.push({
        ...answer,
        quota,
        meter,
        window: placedQuota.window,
        resetsAt: await this.resetsAt(customerId, placedQuota, now),
      });
      entry.allowed &&= answer.allowed;
      byMeter.set(meter.id, entry);
    }
    return [...byMeter.values()].sort((a, b) => a.meter.key.localeCompare(b.meter.key));
  }

  /**
   * The available credit in the ledger (granted or topped up, less what
   * invoices consumed and what expired) and the units left in prepaid blocks
   * that pay for each meter, read live (never cached): a top-up or a block
   * bought shows in the next check. Usage not yet invoiced is not
   * subtracted; that would mean pricing it on every check.
   */
  async creditFor(
    customerId: string,
    wanted: ReadonlyArray<{ currency: string; meterId: string }>,
    now: Date,
    db: Queryable = this.db,
  ): Promise<Map<string, MeterCredit>> {
    const credits = new Map<string, MeterCredit>();
    const currencies = [...new Set(wanted.map((entry) => entry.currency))];
    const [lotsByCurrency, blockLots] = await Promise.all([
      this.ledger.availableLotsByCurrency(db, customerId, currencies, now),
      this.blocks.availableOf(
        db,
        currencies.map((currency) => ({ customerId, currency })),
        now,
      ),
    ]);
    for (const [currency, available] of lotsByCurrency) {
      const lots = available.filter((lot) => lot.validFrom <= now);
      const blocks = blockLots.filter((lot) => lot.currency === currency && lot.validFrom <= now);
      if (lots.length === 0 && blocks.length === 0) continue;
      for (const meterId of new Set(
        wanted.filter((entry) => entry.currency === currency).map((entry) => entry.meterId),
      )) {
        const paying = [];
        for (const lot of lots) {
          if (await this.directory.creditPaysFor(lot.appliesTo, meterId)) paying.push(lot);
        }
        const blocksOfMeter = [];
        for (const lot of blocks) {
          if (await this.directory.creditPaysFor(new Set([lot.billableItemId]), meterId)) {
            blocksOfMeter.push(lot);
          }
        }
        if (paying.length === 0 && blocksOfMeter.length === 0) continue;
        credits.set(creditKey(currency, meterId), {
          currency,
          balance: sumDecimals(paying.map((lot) => lot.remaining)),
          prepaidUnits: sumDecimals(blocksOfMeter.map((lot) => lot.units.minus(lot.drawn))),
        });
      }
    }
    return credits;
  }

  private async resetsAt(customerId: string, placed: PlacedQuota, now: Date): Promise<Date> {
    const length = fixedLengthMs(placed.quota.window);
    if (placed.quota.alignment === 'calendar' || length === null) return placed.window.end;
    const hours = await this.usage.hours(
      customerId,
      placed.meter.id,
      placed.measure,
      placed.window,
    );
    return rollingResetsAt(hours, length, placed.quota.quantity, now);
  }
}

export function creditKey(currency: string, meterId: string): string {
  return `${currency}/${meterId}`;
}
