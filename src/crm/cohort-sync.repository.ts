import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../common/decimal';
import { Month, addMonths, firstDay } from '../analytics/month';
import { CustomerRetention } from './cohort-snapshots';

/**
 * Each customer's cohort month, MRR then and MRR in the month synced ($2),
 * months after it ignored. Customer-month MRR as analytics defines it (README
 * "Revenue analytics"): the ledger's rows summed, rounded once to the
 * reporting currency's minor unit ($1), never below 0, void invoices left out.
 * The cohort table does not carry per-customer figures, which GRR (each
 * customer capped at their offset-0 MRR) and the account properties need.
 */
const CUSTOMER_RETENTION = `
  WITH monthly AS (
    SELECT r.customer_id, r.month, greatest(round(sum(r.amount), $1::int), 0) AS mrr
    FROM revenue_months r
    WHERE r.amount IS NOT NULL AND r.month <= $2::date
      AND (r.invoice_id IS NULL OR r.invoice_id NOT IN (SELECT id FROM invoices WHERE status = 'void'))
    GROUP BY r.customer_id, r.month
  ),
  customers AS (
    SELECT customer_id,
      min(month) FILTER (WHERE mrr > 0) AS cohort,
      coalesce(sum(mrr) FILTER (WHERE month = $2::date), 0) AS current_mrr,
      coalesce(sum(mrr) FILTER (WHERE month = $3::date), 0) AS previous_mrr
    FROM monthly
    GROUP BY customer_id
  ),
  retention AS (
    SELECT c.customer_id, c.cohort, m.mrr AS starting_mrr, c.current_mrr, c.previous_mrr
    FROM customers c JOIN monthly m ON m.customer_id = c.customer_id AND m.month = c.cohort
  )`;

/** Σ min(current, starting) per cohort: the numerator of its GRR. */
const CAPPED_MRR = `${CUSTOMER_RETENTION}
  SELECT to_char(cohort, 'YYYY-MM') AS cohort, sum(least(current_mrr, starting_mrr)) AS capped
  FROM retention GROUP BY cohort`;

/** Customers with MRR this month or the last: a churn writes its 0 once, then is left alone. */
const RECENT_CUSTOMERS = `${CUSTOMER_RETENTION}
  SELECT customer_id, starting_mrr, current_mrr FROM retention
  WHERE current_mrr > 0 OR previous_mrr > 0`;

@Injectable()
export class CohortSyncRepository {
  constructor(private readonly db: DataSource) {}

  async cappedMrr(minorUnits: number, month: Month): Promise<Map<Month, Decimal>> {
    const rows: Array<{ cohort: string; capped: string }> = await this.db.query(
      CAPPED_MRR,
      this.parameters(minorUnits, month),
    );
    return new Map(rows.map((row) => [row.cohort, new Decimal(row.capped)]));
  }

  async recentCustomers(minorUnits: number, month: Month): Promise<CustomerRetention[]> {
    const rows: Array<{ customer_id: string; starting_mrr: string; current_mrr: string }> =
      await this.db.query(RECENT_CUSTOMERS, this.parameters(minorUnits, month));
    return rows.map((row) => ({
      customerId: row.customer_id,
      startingMrr: new Decimal(row.starting_mrr),
      currentMrr: new Decimal(row.current_mrr),
    }));
  }

  /** Whether any of these `crm` messages was ever enqueued (the outbox keeps sent ones). */
  async anyEnqueued(dedupeKeys: readonly string[]): Promise<boolean> {
    const [row]: Array<{ found: boolean }> = await this.db.query(
      `SELECT EXISTS (SELECT 1 FROM outbox_messages WHERE channel = 'crm' AND dedupe_key = ANY($1::text[])) AS found`,
      [dedupeKeys],
    );
    return row.found;
  }

  private parameters(minorUnits: number, month: Month): [number, string, string] {
    return [minorUnits, firstDay(month), firstDay(addMonths(month, -1))];
  }
}
