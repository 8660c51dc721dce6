import { Injectable } from '@nestjs/common';
import { Decimal, ZERO } from '../common/decimal';
import { Queryable } from '../database/transaction';
import { ForecastSubjectsRepository } from '../forecasting/forecast-subjects.repository';
import { EventRejection } from '../metering/dto/ingest-events.dto';
import {
  IndexedEvent,
  IngestParticipant,
  StoredUsage,
} from '../metering/ingest-participants.service';
import { creditPaysOverage } from './credit-pays-overage';
import { creditKey, EntitlementUsageRepository, UsageWindow } from './entitlement-usage.repository';
import { PlacedQuota, quotaWindowAt } from './entitlements.service';
import { QuotaConfigService } from './quota-config.service';
import { hitOf, QuotaHitsService } from './quota-hits.service';
import { QuotaHit } from './quota-hits.repository';
import { QuotasRepository } from './quotas.repository';

type Window = PlacedQuota & UsageWindow;

/** One event against one hard quota, in the window of the event's timestamp. */
interface Charge {
  window: Window;
  windowKey: string;
}

/**
 * Quotas in the ingest transaction: counts stored usage into the buckets the
 * check reads, and, for clients that `enforce`, refuses each event that would
 * take usage past a hard quota (events are judged in request order, so the
 * one that would pass the quantity is refused and a smaller one after it may
 * still fit).
 */
@Injectable()
export class QuotaEnforcement implements IngestParticipant {
  constructor(
    private readonly quotas: QuotasRepository,
    private readonly usage: EntitlementUsageRepository,
    private readonly subjects: ForecastSubjectsRepository,
    private readonly quotaConfig: QuotaConfigService,
    private readonly hits: QuotaHitsService,
  ) {}

  stored(tx: Queryable, usage: readonly StoredUsage[]): Promise<void> {
    return this.usage.record(tx, usage);
  }

  /**
   * Set-based: the batch's customers' subscriptions, quotas and usage are read
   * in one statement each, whatever the number of customers and events.
   */
  async refuse(
    tx: Queryable,
    events: readonly IndexedEvent[],
    now: Date,
  ): Promise<EventRejection[]> {
    const batchCustomers = [...new Set(events.map(({ event }) => event.customerId))];
    const quotaMeters = await this.quotas.quotaMeterIds(batchCustomers, tx);
    const metered = events.filter(({ event }) => quotaMeters.has(event.meterId));
    if (metered.length === 0) return [];
    const customerIds = [...new Set(metered.map(({ event }) => event.customerId))];
    // Held until commit: a concurrent enforcing batch of these customers reads our usage after us.
    await this.usage.lockCustomers(tx, customerIds);
    const subjects = await this.subjects.active(customerIds, now);
    const hard = (await this.quotaConfig.place(subjects, null, tx)).filter(
      (placed) => placed.quota.kind === 'hard',
    );
    if (hard.length === 0) return [];
    const hardOf = (customerId: string, meterId: string) =>
      hard.filter(
        (placed) => placed.subject.customerId === customerId && placed.meter.id === meterId,
      );
    const windows = new Map<string, Window>();
    const charges = metered.map(({ event }) =>
      hardOf(event.customerId, event.meterId).flatMap((placed): Charge[] => {
        const at = event.timestamp;
        const window = quotaWindowAt(placed, at);
        if (window === null) return [];
        const windowKey = `${placed.quota.subscriptionId}|${placed.quota.window}|${placed.quota.alignment}|${placed.meter.id}|${window.start.toISOString()}`;
        const known = windows.get(windowKey) ?? {
          ...placed,
          window,
          ...window,
          id: windows.size,
          customerId: event.customerId,
          meterId: placed.meter.id,
        };
        windows.set(windowKey, known);
        return [{ window: known, windowKey }];
      }),
    );
    const used = await this.usage.usedIn([...windows.values()], tx);
    const creditPays = await this.creditPaying([...windows.values()], now, tx);
    const running = new Map(
      [...windows].map(([key, window]) => [key, used.get(window.id) ?? ZERO]),
    );
    const rejections: EventRejection[] = [];
    const refusedHits: QuotaHit[] = [];
    metered.forEach(({ index, event }, position) => {
      const measure = hardOf(event.customerId, event.meterId)[0]?.measure;
      const quantity = measure === 'events' ? new Decimal(1) : (event.value ?? ZERO);
      const passed = charges[position].find(
        ({ window, windowKey }) =>
          !creditPays.has(window.id) &&
          (running.get(windowKey) as Decimal).plus(quantity).gt(window.quota.quantity),
      );
      if (passed) {
        const { window, windowKey } = passed;
        const usedSoFar = running.get(windowKey) as Decimal;
        rejections.push({
          index,
          id: event.id,
          code: 'quota_exceeded',
          field: window.measure === 'values' ? `events[${index}].value` : `events[${index}]`,
          message: `would take '${window.meter.key}' to ${usedSoFar.plus(quantity).toFixed()}, past the hard quota of ${window.quota.quantity.toFixed()} per ${window.quota.window} (${window.quota.alignment}); ${window.quota.quantity.minus(usedSoFar).toFixed()} left in the window ending ${window.end.toISOString()}`,
        });
        refusedHits.push(hitOf({ ...window, used: usedSoFar }, event.customerId, now, quantity));
        return;
      }
      for (const { windowKey } of charges[position]) {
        running.set(windowKey, (running.get(windowKey) as Decimal).plus(quantity));
      }
    });
    await this.hits.recordRefused(tx, refusedHits);
    return rejections;
  }

  /** Ids of the windows whose overage credit pays for, as the customer has credit or prepaid block units for the meter. */
  private async creditPaying(
    windows: readonly Window[],
    now: Date,
    tx: Queryable,
  ): Promise<Set<number>> {
    const paying = new Set<number>();
    // Read per customer, only for the rare quotas whose overage credit pays.
    const customerIds = new Set(
      windows.filter((window) => window.quota.overage === 'credits').map((w) => w.customerId),
    );
    for (const customerId of customerIds) {
      const own = windows.filter(
        (window) => window.customerId === customerId && window.quota.overage === 'credits',
      );
      const credits = await this.usage.creditFor(
        customerId,
        own.map((window) => ({ currency: window.subject.currency, meterId: window.meterId })),
        now,
        tx,
      );
      for (const window of own) {
        const credit = credits.get(creditKey(window.subject.currency, window.meterId));
        if (creditPaysOverage(credit)) paying.add(window.id);
      }
    }
    return paying;
  }
}
