import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Month, firstDay } from '../month';
import { UpsellSignals } from './expansion-metrics';

/**
 * Per month from $1 to $2 (UTC): customers with an alert whose recommendation
 * is an upgrade, and of them those whose MRR rose from a month with MRR > 0 in
 * one of the 3 following months (see UpsellSignals). Months without signals
 * are left out.
 */
const UPSELL_SIGNALS = `
  WITH signalled AS (
    SELECT DISTINCT date_trunc('month', a.fired_at AT TIME ZONE 'UTC')::date AS month, a.customer_id
    FROM alerts a
    WHERE a.details -> 'recommendation' ->> 'action' = 'upgrade'
      AND a.fired_at >= $1::timestamp AT TIME ZONE 'UTC'
      AND a.fired_at < ($2::timestamp + interval '1 month') AT TIME ZONE 'UTC'
  )
  SELECT to_char(s.month, 'YYYY-MM') AS month, count(*)::int AS signalled,
    count(*) FILTER (WHERE EXISTS (
      SELECT FROM customer_month_mrr c
      JOIN customer_month_mrr p ON p.customer_id = c.customer_id AND p.month = (c.month - interval '1 month')::date
      WHERE c.customer_id = s.customer_id AND c.mrr > p.mrr
        AND c.month > s.month AND c.month <= (s.month + interval '3 months')::date
    ))::int AS converted
  FROM signalled s
  GROUP BY s.month`;

@Injectable()
export class UpsellSignalsRepository {
  constructor(private readonly db: DataSource) {}

  async signals(from: Month, to: Month): Promise<UpsellSignals[]> {
    const rows: Array<{ month: string; signalled: number; converted: number }> =
      await this.db.query(UPSELL_SIGNALS, [firstDay(from), firstDay(to)]);
    return rows.map((row) => ({
      month: row.month,
      signalledCustomers: row.signalled,
      convertedCustomers: row.converted,
    }));
  }
}
