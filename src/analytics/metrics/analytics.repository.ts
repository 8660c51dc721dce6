import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../../common/decimal';
import { Month, firstDay } from '../month';
import { CohortCell, MonthMovements, RetentionSums, Smoothing } from './revenue-metrics';

/*
 * The metrics read customer_month_mrr, mrr_movement_months and
 * mrr_cohort_months, which the ledger's triggers keep up to date on write
 * (migrations 1795000000091 and 1795000000170): MRR rounded once per
 * customer-month, void invoices left out, only months with MRR > 0 stored, and
 * each month's movements and cohort cells summed per shard of customers. So nothing here
 * aggregates the raw ledger or pairs customers' months per request.
 */

/**
 * Movements of the months $1..$2 in view $3 (mrrMovements and classifyMovement
 * in revenue-metrics.ts are the definition): each month's shards summed, a
 * month nobody moved in is all zeros. Arrivals split into new (the customer's
 * first month with MRR) and reactivated.
 */
const MOVEMENTS = `
  SELECT to_char(g.month, 'YYYY-MM') AS month,
    coalesce(sum(m.opening), 0) AS opening, coalesce(sum(m.closing), 0) AS closing,
    coalesce(sum(m.new), 0) AS new, coalesce(sum(m.expansion), 0) AS expansion,
    coalesce(sum(m.contraction), 0) AS contraction, coalesce(sum(m.churned), 0) AS churned,
    coalesce(sum(m.arrived - m.new), 0) AS reactivated,
    coalesce(sum(m.new_count), 0)::int AS new_count,
    coalesce(sum(m.expanded_count), 0)::int AS expanded_count,
    coalesce(sum(m.contracted_count), 0)::int AS contracted_count,
    coalesce(sum(m.churned_count), 0)::int AS churned_count,
    coalesce(sum(m.arrived_count - m.new_count), 0)::int AS reactivated_count,
    coalesce(sum(m.active_count), 0)::int AS active_count
  FROM generate_series($1::timestamp, $2::timestamp, interval '1 month') AS g (month)
  LEFT JOIN mrr_movement_months m ON m.month = g.month::date AND m.smoothing = $3
  GROUP BY g.month
  ORDER BY g.month`;

/** Mirrors retentionSums; $1 the base month, $2 the month: base customers joined to the month by index. */
const RETENTION = `
  SELECT count(*)::int AS base_customers, count(c.mrr)::int AS retained_customers,
    coalesce(sum(b.mrr), 0) AS base_mrr, coalesce(sum(c.mrr), 0) AS current_mrr,
    coalesce(sum(least(b.mrr, coalesce(c.mrr, 0))), 0) AS capped_mrr
  FROM customer_month_mrr b
  LEFT JOIN customer_month_mrr c ON c.customer_id = b.customer_id AND c.month = $2::date
  WHERE b.month = $1::date`;

/** Mirrors cohortCells; cohorts from $1 to $2, months up to $2: the shards of each cell summed. */
const COHORT_CELLS = `
  SELECT to_char(cohort, 'YYYY-MM') AS cohort, to_char(month, 'YYYY-MM') AS month,
    sum(customers)::int AS active_customers, sum(mrr) AS mrr
  FROM mrr_cohort_months
  WHERE cohort BETWEEN $1::date AND $2::date AND month <= $2::date
  GROUP BY cohort, month
  HAVING sum(customers) > 0`;

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

  async movements(from: Month, to: Month, smoothing: Smoothing): Promise<MonthMovements[]> {
    const rows: MovementRow[] = await this.db.query(MOVEMENTS, [
      firstDay(from),
      firstDay(to),
      smoothing,
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
