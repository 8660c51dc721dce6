import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../../common/decimal';
import { Month, firstDay } from '../month';
import { CohortCell, MonthMovements, RetentionSums } from './revenue-metrics';

/**
 * Customer-month MRR ($1 = the reporting currency's minor units): the ledger's
 * rows of both sources summed, rounded once per customer-month (so every total
 * is a sum of rounded figures and closing = opening + movements holds to the
 * cent), a net-negative month counted as 0, void invoices left out. Rows come
 * out per customer in month order, which the window functions below rely on.
 */
function customerMrr(monthFilter: string): string {
  return `
    SELECT r.customer_id, r.month, greatest(round(sum(r.amount), $1::int), 0) AS mrr
    FROM revenue_months r
    WHERE r.amount IS NOT NULL AND ${monthFilter}
      AND (r.invoice_id IS NULL OR r.invoice_id NOT IN (SELECT id FROM invoices WHERE status = 'void'))
    GROUP BY r.customer_id, r.month`;
}

/**
 * Mirrors mrrMovements and classifyMovement in revenue-metrics.ts; $2..$3 the
 * months reported. One ordered pass per customer: each stored month is paired
 * with the month before it (0 unless stored), and a month with revenue whose
 * next month is not stored also yields that next month with 0 (a churn).
 */
const MOVEMENTS = `
  WITH monthly AS (${customerMrr('r.month <= $3::date')}),
  stream AS (
    SELECT customer_id, month, mrr,
      CASE WHEN lag(month) OVER w = (month - interval '1 month')::date THEN lag(mrr) OVER w ELSE 0 END AS prev,
      lead(month) OVER w AS next_month,
      min(month) FILTER (WHERE mrr > 0) OVER (PARTITION BY customer_id) AS first_month
    FROM monthly
    WINDOW w AS (PARTITION BY customer_id ORDER BY month)
  ),
  pairs AS (
    SELECT p.month, p.cur, p.prev, s.first_month
    FROM stream s
    CROSS JOIN LATERAL (
      SELECT s.month AS month, s.mrr AS cur, s.prev AS prev
      UNION ALL
      SELECT (s.month + interval '1 month')::date, 0, s.mrr
      WHERE s.next_month IS DISTINCT FROM (s.month + interval '1 month')::date
    ) p
    WHERE p.month BETWEEN $2::date AND $3::date AND (p.cur > 0 OR p.prev > 0)
  ),
  classified AS (
    SELECT month, cur, prev,
      CASE
        WHEN prev > 0 AND cur > prev THEN 'expansion'
        WHEN cur > 0 AND cur < prev THEN 'contraction'
        WHEN prev > 0 AND cur = 0 THEN 'churned'
        WHEN prev = 0 AND cur > 0 AND first_month < month THEN 'reactivated'
        WHEN prev = 0 AND cur > 0 THEN 'new'
      END AS kind
    FROM pairs
  )
  SELECT to_char(m.month, 'YYYY-MM') AS month,
    coalesce(sum(c.prev), 0) AS opening, coalesce(sum(c.cur), 0) AS closing,
    coalesce(sum(c.cur) FILTER (WHERE kind = 'new'), 0) AS new,
    coalesce(sum(c.cur - c.prev) FILTER (WHERE kind = 'expansion'), 0) AS expansion,
    coalesce(sum(c.prev - c.cur) FILTER (WHERE kind = 'contraction'), 0) AS contraction,
    coalesce(sum(c.prev) FILTER (WHERE kind = 'churned'), 0) AS churned,
    coalesce(sum(c.cur) FILTER (WHERE kind = 'reactivated'), 0) AS reactivated,
    count(*) FILTER (WHERE kind = 'new')::int AS new_count,
    count(*) FILTER (WHERE kind = 'expansion')::int AS expanded_count,
    count(*) FILTER (WHERE kind = 'contraction')::int AS contracted_count,
    count(*) FILTER (WHERE kind = 'churned')::int AS churned_count,
    count(*) FILTER (WHERE kind = 'reactivated')::int AS reactivated_count,
    count(*) FILTER (WHERE c.cur > 0)::int AS active_count
  FROM generate_series($2::timestamp, $3::timestamp, interval '1 month') AS m (month)
  LEFT JOIN classified c ON c.month = m.month::date
  GROUP BY m.month
  ORDER BY m.month`;

/** Mirrors retentionSums; $2 the base month, $3 the month; one pass over the two months' rows. */
const RETENTION = `
  WITH both_months AS (
    SELECT r.customer_id,
      greatest(coalesce(round(sum(r.amount) FILTER (WHERE r.month = $2::date), $1::int), 0), 0) AS base_mrr,
      greatest(coalesce(round(sum(r.amount) FILTER (WHERE r.month = $3::date), $1::int), 0), 0) AS current_mrr
    FROM revenue_months r
    WHERE r.amount IS NOT NULL AND r.month IN ($2::date, $3::date)
      AND (r.invoice_id IS NULL OR r.invoice_id NOT IN (SELECT id FROM invoices WHERE status = 'void'))
    GROUP BY r.customer_id
  )
  SELECT count(*)::int AS base_customers,
    count(*) FILTER (WHERE current_mrr > 0)::int AS retained_customers,
    coalesce(sum(base_mrr), 0) AS base_mrr,
    coalesce(sum(current_mrr), 0) AS current_mrr,
    coalesce(sum(least(base_mrr, current_mrr)), 0) AS capped_mrr
  FROM both_months WHERE base_mrr > 0`;

/** Mirrors cohortCells; cohorts from $2 to $3, months up to $3; one ordered pass per customer. */
const COHORT_CELLS = `
  WITH monthly AS (${customerMrr('r.month <= $3::date')}),
  stream AS (
    SELECT month, mrr, min(month) FILTER (WHERE mrr > 0) OVER (PARTITION BY customer_id) AS cohort
    FROM monthly
  )
  SELECT to_char(cohort, 'YYYY-MM') AS cohort, to_char(month, 'YYYY-MM') AS month,
    count(*) FILTER (WHERE mrr > 0)::int AS active_customers, sum(mrr) AS mrr
  FROM stream
  WHERE cohort >= $2::date AND month >= cohort
  GROUP BY cohort, month`;

interface MovementRow {
  month: string;
  opening: string;
  closing: string;
  new: string;
  expansion: string;
  contraction: string;
  churned: string;
  reactivated: string;
  new_count: number;
  expanded_count: number;
  contracted_count: number;
  churned_count: number;
  reactivated_count: number;
  active_count: number;
}

/** The analytics metrics, computed in PostgreSQL over the revenue ledger. */
@Injectable()
export class AnalyticsRepository {
  constructor(private readonly db: DataSource) {}

  async movements(minorUnits: number, from: Month, to: Month): Promise<MonthMovements[]> {
    const rows: MovementRow[] = await this.db.query(MOVEMENTS, [
      minorUnits,
      firstDay(from),
      firstDay(to),
    ]);
    return rows.map((row) => ({
      month: row.month,
      openingMrr: new Decimal(row.opening),
      new: new Decimal(row.new),
      expansion: new Decimal(row.expansion),
      contraction: new Decimal(row.contraction),
      churned: new Decimal(row.churned),
      reactivated: new Decimal(row.reactivated),
      closingMrr: new Decimal(row.closing),
      customers: {
        new: row.new_count,
        expanded: row.expanded_count,
        contracted: row.contracted_count,
        churned: row.churned_count,
        reactivated: row.reactivated_count,
        active: row.active_count,
      },
    }));
  }

  async retention(minorUnits: number, baseMonth: Month, month: Month): Promise<RetentionSums> {
    const [row]: Array<{
      base_customers: number;
      retained_customers: number;
      base_mrr: string;
      current_mrr: string;
      capped_mrr: string;
    }> = await this.db.query(RETENTION, [minorUnits, firstDay(baseMonth), firstDay(month)]);
    return {
      month,
      baseMonth,
      baseCustomers: row.base_customers,
      retainedCustomers: row.retained_customers,
      baseMrr: new Decimal(row.base_mrr),
      currentMrr: new Decimal(row.current_mrr),
      cappedMrr: new Decimal(row.capped_mrr),
    };
  }

  async cohortCells(minorUnits: number, from: Month, to: Month): Promise<CohortCell[]> {
    const rows: Array<{ cohort: string; month: string; active_customers: number; mrr: string }> =
      await this.db.query(COHORT_CELLS, [minorUnits, firstDay(from), firstDay(to)]);
    return rows.map((row) => ({
      cohort: row.cohort,
      month: row.month,
      activeCustomers: row.active_customers,
      mrr: new Decimal(row.mrr),
    }));
  }
}
