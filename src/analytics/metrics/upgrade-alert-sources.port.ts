/**
 * The upsell signals analytics counts, as an SQL relation written by the
 * alerts module, which owns the fired alerts: composed into the expansion
 * query, so the signals and their conversions are one statement. A port
 * analytics owns and alerts binds (upsell-signal-alerts.module.ts), as alerts
 * reach analytics through the CRM module: dependencies point one way.
 */
export interface UpgradeAlertSources {
  /**
   * Columns month (date) and customer_id: each customer-month (UTC) with an
   * alert whose recommendation is an upgrade, fired from the month `from` to
   * the end of the month `to` (SQL expressions of each month's first day,
   * without a time zone), once each.
   */
  upgradeSignalledCustomerMonths(from: string, to: string): string;
}

export const UPGRADE_ALERT_SOURCES = Symbol('UpgradeAlertSources');
