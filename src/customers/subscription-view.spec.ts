import { Decimal } from '../common/decimal';
import { PlanChangeRecord } from './plan-change.repository';
import { SubscriptionRecord } from './subscription.repository';
import { subscriptionView } from './subscription-view';

const subscription: SubscriptionRecord = {
  id: 'sub-1',
  customerId: 'cus-1',
  customerExternalId: 'acme',
  planKey: 'pro',
  planVersionId: 'pro-v1',
  version: 1,
  currency: 'USD',
  startDate: new Date('2026-01-01T00:00:00Z'),
  endDate: null,
  billingCadence: { unit: 'month', count: 1, anchorDay: null },
  licenceQuantities: [{ billableItemKey: 'platform_fee', quantity: new Decimal(1) }],
  createdAt: new Date('2026-01-01T00:00:00Z'),
};

const change = (planKey: string, version: number, effectiveAt: string): PlanChangeRecord => ({
  subscriptionId: 'sub-1',
  planVersionId: `${planKey}-v${version}`,
  planKey,
  version,
  effectiveAt: new Date(effectiveAt),
});

describe('subscriptionView', () => {
  const toV2 = change('pro', 2, '2026-04-01T00:00:00Z');
  const toTeam = change('team', 1, '2026-05-01T00:00:00Z');

  it('shows the own version and the pending change before it takes effect', () => {
    const view = subscriptionView(subscription, [toV2, toTeam], new Date('2026-03-20T00:00:00Z'));
    expect(view.current).toEqual({ planKey: 'pro', version: 1 });
    expect(view.pendingPlanChange).toBe(toV2);
  });

  it('shows the version a change moved to once it took effect, even on another plan', () => {
    const now = new Date('2026-04-01T00:00:00Z');
    expect(subscriptionView(subscription, [toV2, toTeam], now)).toMatchObject({
      current: { planKey: 'pro', version: 2 },
      pendingPlanChange: toTeam,
    });
    const later = subscriptionView(subscription, [toV2, toTeam], new Date('2026-06-01T00:00:00Z'));
    expect(later.current).toEqual({ planKey: 'team', version: 1 });
    expect(later.pendingPlanChange).toBeNull();
  });
});
