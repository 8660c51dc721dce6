import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../common/decimal';
import { Interval } from '../common/period';
import { Queryable } from '../database/transaction';
import { QuotaAlignment, QuotaKind, QuotaWindow } from './quota-window';

/** A subscription reaching a quota in one window. */
export interface QuotaHit {
  subscriptionId: string;
  customerId: string;
  meterId: string;
  window: QuotaWindow;
  alignment: QuotaAlignment;
  /** The window the hit counts in (for rolling quotas, the calendar window of the same length). */
  hitWindow: Interval;
  kind: QuotaKind;
  quantity: Decimal;
  hitAt: Date;
  /** The highest usage seen in the window. */
  peak: Decimal;
  /** Usage that enforcement refused in the window. */
  refused: Decimal;
}

interface HitRow {
  subscription_id: string;
  customer_id: string;
  meter_id: string;
  quota_window: QuotaWindow;
  alignment: QuotaAlignment;
  window_start: Date;
  window_end: Date;
  kind: QuotaKind;
  quantity: string;
  hit_at: Date;
  peak: string;
  refused: string;
}

function toHit(row: HitRow): QuotaHit {
  return {
    subscriptionId: row.subscription_id,
    customerId: row.customer_id,
    meterId: row.meter_id,
    window: row.quota_window,
    alignment: row.alignment,
    hitWindow: { start: row.window_start, end: row.window_end },
    kind: row.kind,
    quantity: new Decimal(row.quantity),
    hitAt: row.hit_at,
    peak: new Decimal(row.peak),
    refused: new Decimal(row.refused),
  };
}

const COLUMNS = `subscription_id, customer_id, meter_id, quota_window, alignment, window_start, window_end,
  kind, quantity::text AS quantity, hit_at, peak::text AS peak, refused::text AS refused`;

/** One statement may touch a row once: hits of one window merge (first sighting, highest peak, refusals added). */
function mergeSameWindow(hits: readonly QuotaHit[]): QuotaHit[] {
  const merged = new Map<string, QuotaHit>();
  for (const hit of hits) {
    const key = `${hit.subscriptionId}|${hit.meterId}|${hit.window}|${hit.alignment}|${hit.hitWindow.start.toISOString()}`;
    const known = merged.get(key);
    merged.set(
      key,
      known
        ? {
            ...known,
            hitAt: known.hitAt < hit.hitAt ? known.hitAt : hit.hitAt,
            peak: Decimal.max(known.peak, hit.peak),
            refused: known.refused.plus(hit.refused),
          }
        : hit,
    );
  }
  return [...merged.values()];
}

/** A subscription whose hits are read, with its customer (the table's distribution column). */
export interface HitsOwner {
  customerId: string;
  subscriptionId: string;
}

/**
 * One row per subscription, quota and window in which the quota was reached:
 * the first sighting sets when, later ones raise the peak and add refusals,
 * so recording a hit twice changes nothing.
 */
@Injectable()
export class QuotaHitsRepository {
  constructor(private readonly db: DataSource) {}

  async record(hits: readonly QuotaHit[], db: Queryable = this.db): Promise<void> {
    if (hits.length === 0) return;
    const ordered = mergeSameWindow(hits).sort(
      (a, b) =>
        a.subscriptionId.localeCompare(b.subscriptionId) ||
        a.meterId.localeCompare(b.meterId) ||
        a.hitWindow.start.getTime() - b.hitWindow.start.getTime(),
    );
    await db.query(
      `INSERT INTO entitlement_quota_hits AS h
         (subscription_id, customer_id, meter_id, quota_window, alignment, window_start, window_end,
          kind, quantity, hit_at, peak, refused)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[],
                            $7::timestamptz[], $8::text[], $9::numeric[], $10::timestamptz[], $11::numeric[],
                            $12::numeric[])
       ON CONFLICT (customer_id, subscription_id, meter_id, quota_window, alignment, window_start) DO UPDATE SET
         peak = greatest(h.peak, excluded.peak),
         refused = h.refused + excluded.refused`,
      [
        ordered.map((hit) => hit.subscriptionId),
        ordered.map((hit) => hit.customerId),
        ordered.map((hit) => hit.meterId),
        ordered.map((hit) => hit.window),
        ordered.map((hit) => hit.alignment),
        ordered.map((hit) => hit.hitWindow.start.toISOString()),
        ordered.map((hit) => hit.hitWindow.end.toISOString()),
        ordered.map((hit) => hit.kind),
        ordered.map((hit) => hit.quantity.toFixed()),
        ordered.map((hit) => hit.hitAt.toISOString()),
        ordered.map((hit) => hit.peak.toFixed()),
        ordered.map((hit) => hit.refused.toFixed()),
      ],
    );
  }

  /** The subscription's hits of one quota in windows starting in [from, to), oldest first. */
  async ofQuota(
    subscription: HitsOwner,
    quota: { meterId: string; window: QuotaWindow; alignment: QuotaAlignment },
    range: Interval,
  ): Promise<QuotaHit[]> {
    const rows: HitRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM entitlement_quota_hits
       WHERE customer_id = $7 AND subscription_id = $1 AND meter_id = $2 AND quota_window = $3
         AND alignment = $4 AND window_start >= $5 AND window_start < $6
       ORDER BY window_start`,
      [
        subscription.subscriptionId,
        quota.meterId,
        quota.window,
        quota.alignment,
        range.start.toISOString(),
        range.end.toISOString(),
        subscription.customerId,
      ],
    );
    return rows.map(toHit);
  }

  /** Whether the subscription reached any quota since `since`: the cheap test before quota pressure's. */
  async anySince(subscription: HitsOwner, since: Date): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM entitlement_quota_hits
       WHERE customer_id = $3 AND subscription_id = $1 AND window_start >= $2 LIMIT 1`,
      [subscription.subscriptionId, since.toISOString(), subscription.customerId],
    );
    return rows.length > 0;
  }

  /** Hits of every customer (or one) reached in [from, to), newest first. */
  async reachedBetween(
    range: Interval,
    customerId: string | null,
    limit: number,
  ): Promise<QuotaHit[]> {
    const rows: HitRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM entitlement_quota_hits
       WHERE hit_at >= $1 AND hit_at < $2 AND ($3::uuid IS NULL OR customer_id = $3)
       ORDER BY hit_at DESC, subscription_id, meter_id LIMIT $4`,
      [range.start.toISOString(), range.end.toISOString(), customerId, limit],
    );
    return rows.map(toHit);
  }
}
