import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Decimal } from '../../common/decimal';
import { Month, addMonths, firstDay } from '../month';

/** A customer's MRR in their cohort month and in the month synced, in the reporting currency. */
export interface CustomerRetention {
  customerId: string;
  startingMrr: Decimal;
  currentMrr: Decimal;
}

/**
 * Each customer's cohort month, MRR then, and MRR in the month synced ($1) and
 * the one before ($2), from the per-customer-month MRR analytics maintains
 * (README "Revenue analytics"). The cohort table does not carry per-customer
 * figures, which GRR (each customer capped at their offset-0 MRR) and the
 * account properties need.
 */
const CUSTOMER_RETENTION = `
  WITH retention AS (
    SELECT f.customer_id, f.first_month AS cohort, start.mrr AS starting_mrr,
           coalesce(cur.mrr, 0) AS current_mrr, coalesce(prev.mrr, 0) AS previous_mrr
    FROM customer_first_month f
    JOIN customer_month_mrr start ON start.customer_id = f.customer_id AND start.month = f.first_month
    LEFT JOIN customer_month_mrr cur ON cur.customer_id = f.customer_id AND cur.month = $1::date
    LEFT JOIN customer_month_mrr prev ON prev.customer_id = f.customer_id AND prev.month = $2::date
    WHERE f.first_month <= $1::date
  )`;

/** Σ min(current, starting) per cohort: the numerator of its GRR. */
const CAPPED_MRR = `${CUSTOMER_RETENTION}
  SELECT to_char(cohort, 'YYYY-MM') AS cohort, sum(least(current_mrr, starting_mrr)) AS capped
  FROM retention GROUP BY cohort`;

/** Customers with MRR this month or the last: a churn writes its 0 once, then is left alone. */
const RECENT_CUSTOMERS = `${CUSTOMER_RETENTION}
  SELECT customer_id, starting_mrr, current_mrr FROM retention
  WHERE current_mrr > 0 OR previous_mrr > 0`;

/**
 * Per-customer retention read from the MRR analytics maintains, exported for
 * the CRM (its cohort sync and the account figures it pushes), so the CRM
 * names none of analytics' tables.
 */
@Injectable()
export class CustomerRetentionRepository {
  constructor(private readonly db: DataSource) {}

  /** The customers' MRR in `month` (a missing month is a zero month, so absent here). */
  async mrrIn(month: Month, customerIds: readonly string[]): Promise<Map<string, string>> {
    const rows: Array<{ customer_id: string; mrr: string }> = await this.db.query(
      `SELECT customer_id, mrr::text AS mrr FROM customer_month_mrr
       WHERE month = $1::date AND customer_id = ANY($2::uuid[])`,
      [firstDay(month), customerIds],
    );
    return new Map(rows.map((row) => [row.customer_id, row.mrr]));
  }

  async cappedMrr(month: Month): Promise<Map<Month, Decimal>> {
    const rows: Array<{ cohort: string; capped: string }> = await this.db.query(
      CAPPED_MRR,
      this.parameters(month),
    );
    return new Map(rows.map((row) => [row.cohort, new Decimal(row.capped)]));
  }

  async recentCustomers(month: Month): Promise<CustomerRetention[]> {
    const rows: Array<{ customer_id: string; starting_mrr: string; current_mrr: string }> =
      await this.db.query(RECENT_CUSTOMERS, this.parameters(month));
    return rows.map((row) => ({
      customerId: row.customer_id,
      startingMrr: new Decimal(row.starting_mrr),
      currentMrr: new Decimal(row.current_mrr),
    }));
  }

  private parameters(month: Month): [string, string] {
    return [firstDay(month), firstDay(addMonths(month, -1))];
  }
}
