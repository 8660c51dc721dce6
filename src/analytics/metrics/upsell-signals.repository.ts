import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Month, firstDay } from '../month';
import { UpsellSignals } from './expansion-metrics';
import { UPGRADE_ALERT_SOURCES, UpgradeAlertSources } from './upgrade-alert-sources.port';

/**
 * Per month from $1 to $2 (UTC): customers with an alert whose recommendation
 * is an upgrade (`signalled`, from the alerts module), and of them those whose MRR rose from a month with MRR > 0 in
 * one of the 3 following months (see UpsellSignals). Months without signals
 * are left out.
 */
const UPSELL_SIGNALS = (signalled: string) => `
  WITH signalled AS (${signalled})
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
  constructor(
    private readonly db: DataSource,
    @Inject(UPGRADE_ALERT_SOURCES) private readonly alerts: UpgradeAlertSources,
  ) {}

  async signals(from: Month, to: Month): Promise<UpsellSignals[]> {
    const rows: Array<{ month: string; signalled: number; converted: number }> =
      await this.db.query(UPSELL_SIGNALS(this.alerts.upgradeSignalledCustomerMonths('$1', '$2')), [
        firstDay(from),
        firstDay(to),
      ]);
    return rows.map((row) => ({
      month: row.month,
      signalledCustomers: row.signalled,
      convertedCustomers: row.converted,
    }));
  }
}
