import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Queryable } from '../database/transaction';

export const REQUEST_KINDS = ['plan_change', 'credit_top_up'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];
export const REQUEST_STATUSES = ['open', 'applied'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export interface CustomerRequest {
  id: string;
  customerId: string;
  subscriptionId: string;
  kind: RequestKind;
  /** The plan asked for; null for a credit top-up. */
  planKey: string | null;
  intervalStart: Date;
  intervalEnd: Date;
  requestedAt: Date;
  status: RequestStatus;
  appliedAt: Date | null;
  /** When the applied plan change takes effect. */
  effectiveAt: Date | null;
}

export type NewRequest = Omit<CustomerRequest, 'id' | 'status' | 'appliedAt' | 'effectiveAt'>;

interface RequestRow {
  id: string;
  customer_id: string;
  subscription_id: string;
  kind: RequestKind;
  plan_key: string | null;
  interval_start: Date;
  interval_end: Date;
  requested_at: Date;
  status: RequestStatus;
  applied_at: Date | null;
  effective_at: Date | null;
}

const COLUMNS = `id, customer_id, subscription_id, kind, plan_key, interval_start, interval_end,
  requested_at, status, applied_at, effective_at`;

const date = (value: Date | null) => (value === null ? null : new Date(value));

function toRequest(row: RequestRow): CustomerRequest {
  return {
    id: row.id,
    customerId: row.customer_id,
    subscriptionId: row.subscription_id,
    kind: row.kind,
    planKey: row.plan_key,
    intervalStart: new Date(row.interval_start),
    intervalEnd: new Date(row.interval_end),
    requestedAt: new Date(row.requested_at),
    status: row.status,
    appliedAt: date(row.applied_at),
    effectiveAt: date(row.effective_at),
  };
}

/** `usage_page_requests`: what customers asked for on their usage page. */
@Injectable()
export class UsageRequestsRepository {
  constructor(private readonly db: DataSource) {}

  /**
   * Records the request unless the same one (subscription, kind, plan,
   * interval) exists; `created` says which, and the stored row is returned either way.
   */
  async insertOnce(
    tx: Queryable,
    request: NewRequest,
  ): Promise<{ request: CustomerRequest; created: boolean }> {
    const inserted: RequestRow[] = await tx.query(
      `INSERT INTO usage_page_requests
         (customer_id, subscription_id, kind, plan_key, interval_start, interval_end, requested_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (subscription_id, kind, coalesce(plan_key, ''), interval_start, customer_id) DO NOTHING
       RETURNING ${COLUMNS}`,
      [
        request.customerId,
        request.subscriptionId,
        request.kind,
        request.planKey,
        request.intervalStart.toISOString(),
        request.intervalEnd.toISOString(),
        request.requestedAt.toISOString(),
      ],
    );
    if (inserted[0]) return { request: toRequest(inserted[0]), created: true };
    const existing: RequestRow[] = await tx.query(
      `SELECT ${COLUMNS} FROM usage_page_requests
       WHERE subscription_id = $1 AND kind = $2 AND coalesce(plan_key, '') = coalesce($3, '')
         AND interval_start = $4`,
      [request.subscriptionId, request.kind, request.planKey, request.intervalStart.toISOString()],
    );
    return { request: toRequest(existing[0]), created: false };
  }

  async findById(id: string, tx: Queryable = this.db): Promise<CustomerRequest | null> {
    const rows: RequestRow[] = await tx.query(
      `SELECT ${COLUMNS} FROM usage_page_requests WHERE id = $1`,
      [id],
    );
    return rows[0] ? toRequest(rows[0]) : null;
  }

  /** Newest first; `status` null lists every request. */
  async list(status: RequestStatus | null, limit: number): Promise<CustomerRequest[]> {
    const rows: RequestRow[] = await this.db.query(
      `SELECT ${COLUMNS} FROM usage_page_requests
       WHERE $1::text IS NULL OR status = $1
       ORDER BY requested_at DESC, id LIMIT $2`,
      [status, limit],
    );
    return rows.map(toRequest);
  }

  /** Marks an open request applied; null when it was not open any more (applied concurrently). */
  async markApplied(
    tx: Queryable,
    id: string,
    appliedAt: Date,
    effectiveAt: Date,
  ): Promise<CustomerRequest | null> {
    const rows: RequestRow[] = await tx.query(
      `WITH updated AS (
         UPDATE usage_page_requests SET status = 'applied', applied_at = $2, effective_at = $3
         WHERE id = $1 AND status = 'open' RETURNING ${COLUMNS}
       )
       SELECT * FROM updated`,
      [id, appliedAt.toISOString(), effectiveAt.toISOString()],
    );
    return rows[0] ? toRequest(rows[0]) : null;
  }
}
