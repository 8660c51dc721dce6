import { UpgradeAlertSources } from '../analytics/metrics/upgrade-alert-sources.port';

/**
 * The alerts' read contract for analytics' upsell signals (its
 * `UPGRADE_ALERT_SOURCES` port, bound in upsell-signal-alerts.module.ts):
 * which customers were told to upgrade, by month, as an SQL relation analytics
 * composes into its expansion query. Only this module names `alerts` and the
 * shape of their details.
 */
export const UPSELL_SIGNAL_ALERTS: UpgradeAlertSources = {
  upgradeSignalledCustomerMonths: (from, to) => `
    SELECT DISTINCT date_trunc('month', a.fired_at AT TIME ZONE 'UTC')::date AS month, a.customer_id
    FROM alerts a
    WHERE a.details -> 'recommendation' ->> 'action' = 'upgrade'
      AND a.fired_at >= ${from}::timestamp AT TIME ZONE 'UTC'
      AND a.fired_at < (${to}::timestamp + interval '1 month') AT TIME ZONE 'UTC'`,
};
