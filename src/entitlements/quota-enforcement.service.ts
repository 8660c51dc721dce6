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
import { EntitlementUsageRepository, UsageWindow } from './entitlement-usage.repository';
import {
  creditKey,
  EntitlementsService,
  PlacedQuota,
  serviceIntervalAt,
} from './entitlements.service';
import { hitOf, QuotaHitsService } from './quota-hits.service';
import { QuotaHit } from './quota-hits.repository';
import { windowAt } from './quota-window';
import { QuotasRepository } from './quotas.repository';

/** One event against one hard quota, in the window of the event's timestamp. */
interface Charge {
  window: PlacedQuota & UsageWindow;
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
    private readonly entitlements: EntitlementsService,
    private readonly hits: QuotaHitsService,
  ) {}

  stored(tx: Queryable, usage: readonly StoredUsage[]): Promise<void> {
    return this.usage.record(tx, usage);
  }

  async refuse(
    tx: Queryable,
    events: readonly IndexedEvent[],
    now: Date,
  ): Promise<EventRejection[]> {
    const quotaMeters = await this.quotas.quotaMeterIds(tx);
    const metered = events.filter(({ event }) => quotaMeters.has(event.meterId));
    if (metered.length === 0) return [];
    const customerIds = [...new Set(metered.map(({ event }) => event.customerId))];
    // Held until commit: a concurrent enforcing batch of these customers reads our usage after us.
    await this.usage.lockCustomers(tx, customerIds);
    const rejections: EventRejection[] = [];
    for (const customerId of customerIds) {
      const own = metered.filter(({ event }) => event.customerId === customerId);
      rejections.push(...(await this.refuseForCustomer(tx, customerId, own, now)));
    }
    return rejections;
  }

  private async refuseForCustomer(
    tx: Queryable,
    customerId: string,
    events: readonly IndexedEvent[],
    now: Date,
  ): Promise<EventRejection[]> {
    const subjects = await this.subjects.active([customerId], now);
    const hard = (await this.entitlements.place(subjects, null, tx)).filter(
      (placed) => placed.quota.kind === 'hard',
    );
    if (hard.length === 0) return [];
    const windows = new Map<string, PlacedQuota & UsageWindow>();
    const charges = events.map(({ event }) =>
      hard
        .filter((placed) => placed.meter.id === event.meterId)
        .flatMap((placed): Charge[] => {
          const at = event.timestamp;
          const window = windowAt(placed.quota, at, serviceIntervalAt(placed.subject, at));
          if (window === null) return [];
          const windowKey = `${placed.quota.subscriptionId}|${placed.quota.window}|${placed.quota.alignment}|${placed.meter.id}|${window.start.toISOString()}`;
          const known = windows.get(windowKey) ?? {
            ...placed,
            window,
            ...window,
            id: windows.size,
            meterId: placed.meter.id,
          };
          windows.set(windowKey, known);
          return [{ window: known, windowKey }];
        }),
    );
    const windowList = [...windows.values()];
    const used = await this.usage.usedIn(customerId, windowList, tx);
    const credits = windowList.some((window) => window.quota.overage === 'credits')
      ? await this.entitlements.creditFor(
          customerId,
          windowList.map((window) => ({
            currency: window.subject.currency,
            meterId: window.meterId,
          })),
          now,
          tx,
        )
      : new Map();
    const running = new Map(
      [...windows].map(([key, window]) => [key, used.get(window.id) ?? ZERO]),
    );
    const rejections: EventRejection[] = [];
    const refusedHits: QuotaHit[] = [];
    events.forEach(({ index, event }, position) => {
      const measure = hard.find((placed) => placed.meter.id === event.meterId)?.measure;
      const quantity = measure === 'events' ? new Decimal(1) : (event.value ?? ZERO);
      const passed = charges[position].find(({ window, windowKey }) => {
        const creditPays =
          window.quota.overage === 'credits' &&
          (credits.get(creditKey(window.subject.currency, window.meterId))?.balance.gt(0) ?? false);
        return (
          !creditPays &&
          (running.get(windowKey) as Decimal).plus(quantity).gt(window.quota.quantity)
        );
      });
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
        refusedHits.push(hitOf({ ...window, used: usedSoFar }, customerId, now, quantity));
        return;
      }
      for (const { windowKey } of charges[position]) {
        running.set(windowKey, (running.get(windowKey) as Decimal).plus(quantity));
      }
    });
    await this.hits.recordRefused(tx, refusedHits);
    return rejections;
  }
}
