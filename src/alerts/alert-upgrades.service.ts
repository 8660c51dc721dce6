import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../common/errors';
import { isUuid } from '../common/ids';
import {
  PlanChangeNow,
  SubscriptionChangesService,
} from '../invoicing/subscription-changes.service';
import { AlertsRepository } from './alerts.repository';
import { AlertDetails } from './firing';

/**
 * Applies the upgrade an alert recommended (alert-facts.service.ts,
 * recommendationDetails) in one call: a plan change now, prorated. Keyed by
 * the alert, so applying it again answers the first change and does nothing.
 */
@Injectable()
export class AlertUpgradesService {
  constructor(
    private readonly alerts: AlertsRepository,
    private readonly changes: SubscriptionChangesService,
  ) {}

  async apply(alertId: string, refundToCredit: boolean): Promise<PlanChangeNow> {
    const alert = isUuid(alertId) ? await this.alerts.findDetails(alertId) : null;
    if (!alert) throw new NotFoundError('alert', alertId);
    const upgrade = recommendedUpgrade(alert.details);
    if (!upgrade) {
      throw new ConflictError(
        `alert '${alertId}' recommends no upgrade: change the plan with POST /v1/subscriptions/{id}/plan-changes`,
      );
    }
    return this.changes.changeNow(alert.subscriptionId, {
      ...upgrade,
      refundToCredit,
      idempotencyKey: `alert:${alertId}`,
    });
  }
}

/** The plan version an alert's recommendation proposes, when its action is an upgrade. */
function recommendedUpgrade(details: AlertDetails): { plan: string; version: number } | null {
  const recommendation = details.recommendation;
  if (!isDetails(recommendation) || recommendation.action !== 'upgrade') return null;
  const recommended = recommendation.recommendedPlan;
  if (!isDetails(recommended)) return null;
  const { plan, version } = recommended;
  return typeof plan === 'string' && typeof version === 'number' ? { plan, version } : null;
}

function isDetails(value: AlertDetails[string] | undefined): value is AlertDetails {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
