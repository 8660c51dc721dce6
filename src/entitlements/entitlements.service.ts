import { Injectable } from '@nestjs/common';
import { MeterRecord } from '../catalog/meter.repository';
import { Clock } from '../common/clock';
import { currentServiceInterval } from '../common/billing-schedule';
import { ZERO } from '../common/decimal';
import { NotFoundError } from '../common/errors';
import { alignToHours } from '../common/hour-alignment';
import { Interval } from '../common/period';
import {
  ForecastSubject,
  ForecastSubjectsRepository,
} from '../forecasting/forecast-subjects.repository';
import { CatalogDirectory } from './catalog-directory.service';
import { creditPaysOverage } from './credit-pays-overage';
import {
  CheckWindow,
  creditKey,
  EntitlementUsageRepository,
  MeterCredit,
} from './entitlement-usage.repository';
import { QuotaConfigService, QuotaOfSubject } from './quota-config.service';
import {
  QuotaStanding,
  rollingLengthMs,
  rollingResetsAt,
  standing,
  windowAt,
} from './quota-window';
import { QuotaInForce } from './quotas.repository';

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

/** A quota a customer has reached, in the window that counts now. */
export type ReachedQuota = Pick<QuotaAnswer, 'quota' | 'window' | 'used'>;

/** A quota placed in its window, before its usage is read. */
export interface PlacedQuota extends QuotaOfSubject {
  window: Interval;
}

/** The service interval of a subscription that contains `at`, on whole hours (as usage is kept). */
function serviceIntervalAt(subject: ForecastSubject, at: Date): Interval | null {
  const schedule = alignToHours(subject.schedule);
  return schedule && currentServiceInterval(schedule, at);
}

/** The window of a subscription's quota that counts usage at `at` (the schedule is walked for `interval` quotas only). */
export function quotaWindowAt(placed: QuotaOfSubject, at: Date): Interval | null {
  const interval =
    placed.quota.window === 'interval' ? serviceIntervalAt(placed.subject, at) : null;
  return windowAt(placed.quota, at, interval);
}

/** These quotas placed in their windows at `now` (a quota without one left out), each with an id for the usage read. */
function placeInWindows(
  quotas: readonly QuotaOfSubject[],
  now: Date,
): Array<PlacedQuota & CheckWindow> {
  const windows: Array<PlacedQuota & CheckWindow> = [];
  for (const quota of quotas) {
    const window = quotaWindowAt(quota, now);
    if (window === null) continue;
    windows.push({
      ...quota,
      window,
      ...window,
      id: windows.length,
      customerId: quota.subject.customerId,
      meterId: quota.meter.id,
      rolling: rollingLengthMs(quota.quota) !== null,
    });
  }
  return windows;
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
    private readonly subjects: ForecastSubjectsRepository,
    private readonly config: QuotaConfigService,
    private readonly usage: EntitlementUsageRepository,
    private readonly directory: CatalogDirectory,
    private readonly clock: Clock,
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

  /**
   * The quotas these customers have reached at `now` (used ≥ quantity), by
   * customer, read afresh (for jobs, which a stale answer would mislead) in
   * three statements for all of them: subscriptions, quotas, usage.
   */
  async reached(customerIds: readonly string[], now: Date): Promise<Map<string, ReachedQuota[]>> {
    const subjects = await this.subjects.active(customerIds, now);
    const windows = placeInWindows(await this.config.place(subjects, null), now);
    const used = await this.usage.usedIn(windows);
    const reached = new Map<string, ReachedQuota[]>();
    for (const { id, customerId, quota, window } of windows) {
      const answer = standing(quota.kind, quota.quantity, used.get(id) ?? ZERO, false);
      if (!answer.exceeded) continue;
      const ofCustomer = reached.get(customerId) ?? [];
      ofCustomer.push({ quota, window, used: answer.used });
      reached.set(customerId, ofCustomer);
    }
    return reached;
  }

  /** These quotas placed in their windows at `now`, measured, grouped by meter. */
  private async measure(
    customerId: string,
    quotas: readonly QuotaOfSubject[],
    now: Date,
  ): Promise<MeterEntitlement[]> {
    const windows = placeInWindows(quotas, now);
    const { used, hours, credits } = await this.usage.readForCheck(
      customerId,
      windows,
      windows.map(({ subject, meter }) => ({ currency: subject.currency, meterId: meter.id })),
      now,
    );
    const byMeter = new Map<string, MeterEntitlement>();
    for (const placedQuota of windows) {
      const { quota, meter } = placedQuota;
      const credit = credits.get(creditKey(placedQuota.subject.currency, meter.id)) ?? null;
      const answer = standing(
        quota.kind,
        quota.quantity,
        used.get(placedQuota.id) ?? ZERO,
        quota.overage === 'credits' && creditPaysOverage(credit),
      );
      const entry = byMeter.get(meter.id) ?? { meter, allowed: true, quotas: [], credit };
      const length = rollingLengthMs(quota);
      entry.quotas.push({
        ...answer,
        quota,
        meter,
        window: placedQuota.window,
        resetsAt:
          length === null
            ? placedQuota.window.end
            : rollingResetsAt(hours.get(placedQuota.id) ?? [], length, quota.quantity, now),
      });
      entry.allowed &&= answer.allowed;
      byMeter.set(meter.id, entry);
    }
    return [...byMeter.values()].sort((a, b) => a.meter.key.localeCompare(b.meter.key));
  }
}
