import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../../common/decimal';
import { Month, firstDay } from '../month';
import { CohortCell, MonthMovements, RetentionSums, Smoothing } from './revenue-metrics';

/*
 * The metrics read customer_month_mrr and customer_first_month, which the
 * ledger's triggers keep up to date on write (migration 1795000000091): MRR
 * rounded once per customer-month, void invoices left out, only months with
 * MRR > 0 stored. So nothing here aggregates the raw ledger.
 */

/**
 * Customer MRR in month `month` (an SQL date expression) as movements compare
 * it, only customers with MRR > 0 and in customer order; `customers` narrows
 * them. trailing3 mirrors trailingAverage in revenue-metrics.ts: the mean of
 * the month and the two before, rounded half-up once ($3 the minor units).
 */
const MONTH_MRR: Record<Smoothing, (month: string, customers: string) => string> = {
  none: (month, customers) => `
    SELECT customer_id, mrr FROM customer_month_mrr WHERE month = ${month} ${customers}`,
  trailing3: (month, customers) => `
    SELECT customer_id, round(sum(mrr) / 3, $3::int) AS mrr FROM customer_month_mrr
    WHERE month BETWEEN (${month} - interval '2 months')::date AND ${month} ${customers}
    GROUP BY customer_id HAVING round(sum(mrr) / 3, $3::int) > 0 ORDER BY customer_id`,
};

/**
 * Mirrors mrrMovements and classifyMovement in revenue-metrics.ts; $1..$2 the
 * months reported. Per month, that month's customers are merge-joined with the
 * previous month's on customer id (raw MRR is read in customer order from the
 * month index: no hash table over all months, no sort), and the pairs summed. A
 * customer arriving (0 → > 0) is new in their first month with MRR and
 * reactivated otherwise, so new is read for the customers whose first month it
 * is (a few per month, by index) and reactivated is the rest of the arrivals.
 */
function movementsSql(smoothing: Smoothing): string {
  const monthMrr = MONTH_MRR[smoothing];
  const month = 'g.month::date';
  const previous = "(g.month - interval '1 month')::date";
  const newcomers = `AND customer_id IN (SELECT customer_id FROM customer_first_month WHERE first_month = ${month})`;
  return `
    SELECT to_char(g.month, 'YYYY-MM') AS month, s.opening, s.closing, n.new, s.expansion,
      s.contraction, s.churned, s.arrived - n.new AS reactivated, n.new_count, s.expanded_count,
      s.contracted_count, s.churned_count, s.arrived_count - n.new_count AS reactivated_count,
      s.active_count
    FROM generate_series($1::timestamp, $2::timestamp, interval '1 month') AS g (month)
    CROSS JOIN LATERAL (
      SELECT coalesce(sum(p.mrr), 0) AS opening, coalesce(sum(c.mrr), 0) AS closing,
        coalesce(sum(c.mrr - p.mrr) FILTER (WHERE c.mrr > p.mrr), 0) AS expansion,
        coalesce(sum(p.mrr - c.mrr) FILTER (WHERE c.mrr < p.mrr), 0) AS contraction,
        coalesce(sum(p.mrr) FILTER (WHERE c.mrr IS NULL), 0) AS churned,
        coalesce(sum(c.mrr) FILTER (WHERE p.mrr IS NULL), 0) AS arrived,
        count(*) FILTER (WHERE c.mrr > p.mrr)::int AS expanded_count,
        count(*) FILTER (WHERE c.mrr < p.mrr)::int AS contracted_count,
        count(*) FILTER (WHERE c.mrr IS NULL)::int AS churned_count,
        count(*) FILTER (WHERE p.mrr IS NULL)::int AS arrived_count,
        count(c.mrr)::int AS active_count
      FROM (${monthMrr(month, '')}) c
      FULL JOIN (${monthMrr(previous, '')}) p ON p.customer_id = c.customer_id
    ) s
    CROSS JOIN LATERAL (
      SELECT coalesce(sum(mrr), 0) AS new, count(*)::int AS new_count
      FROM (${monthMrr(month, newcomers)}) first
    ) n
    ORDER BY g.month`;
}

const MOVEMENTS: Record<Smoothing, string> = {
  none: movementsSql('none'),
  trailing3: movementsSql('trailing3'),
};

/** Mirrors retentionSums; $1 the base month, $2 the month: base customers joined to the month by index. */
const RETENTION = `
  SELECT count(*)::int AS base_customers, count(c.mrr)::int AS retained_customers,
    coalesce(sum(b.mrr), 0) AS base_mrr, coalesce(sum(c.mrr), 0) AS current_mrr,
    coalesce(sum(least(b.mrr, coalesce(c.mrr, 0))), 0) AS capped_mrr
  FROM customer_month_mrr b
  LEFT JOIN customer_month_mrr c ON c.customer_id = b.customer_id AND c.month = $2::date
  WHERE b.month = $1::date`;

/** Mirrors cohortCells; cohorts from $1 to $2, months up to $2; one aggregate pass over the join. */
const COHORT_CELLS = `
  SELECT to_char(f.first_month, 'YYYY-MM') AS cohort, to_char(m.month, 'YYYY-MM') AS month,
    count(*)::int AS active_customers, sum(m.mrr) AS mrr
  FROM customer_first_month f
  JOIN customer_month_mrr m ON m.customer_id = f.customer_id
  WHERE f.first_month BETWEEN $1::date AND $2::date AND m.month <= $2::date
  GROUP BY f.first_month, m.month`;

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

  async movements(
    from: Month,
    to: Month,
    smoothing: Smoothing,
    minorUnits: number,
  ): Promise<MonthMovements[]> {
    const params = [firstDay(from), firstDay(to), ...(smoothing === 'none' ? [] : [minorUnits])];
    const rows: MovementRow[] = await this.db.query(MOVEMENTS[smoothing], params);
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

  async retention(baseMonth: Month, month: Month): Promise<RetentionSums> {
    const [row]: Array<{
      base_customers: number;
      retained_customers: number;
      base_mrr: string;
      current_mrr: string;
      capped_mrr: string;
    }> = await this.db.query(RETENTION, [firstDay(baseMonth), firstDay(month)]);
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

  async cohortCells(from: Month, to: Month): Promise<CohortCell[]> {
    const rows: Array<{ cohort: string; month: string; active_customers: number; mrr: string }> =
      await this.db.query(COHORT_CELLS, [firstDay(from), firstDay(to)]);
    return rows.map((row) => ({
      cohort: row.cohort,
      month: row.month,
      activeCustomers: row.active_customers,
      mrr: new Decimal(row.mrr),
    }));
  }
}
