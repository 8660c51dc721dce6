import { Global, Module } from '@nestjs/common';
import { UPGRADE_ALERT_SOURCES } from '../analytics/metrics/upgrade-alert-sources.port';
import { UPSELL_SIGNAL_ALERTS } from './upsell-signal-alerts-sql';

/**
 * Binds analytics' upgrade-alert port to the alerts' table. Global, so
 * analytics injects the port without importing alerts, which reach analytics
 * through the CRM module: dependencies point one way.
 */
@Global()
@Module({
  providers: [{ provide: UPGRADE_ALERT_SOURCES, useValue: UPSELL_SIGNAL_ALERTS }],
  exports: [UPGRADE_ALERT_SOURCES],
})
export class UpsellSignalAlertsModule {}
