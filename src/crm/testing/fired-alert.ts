import { Decimal } from '../../common/decimal';
import { FiredAlert } from '../crm-signals';

/** An 80 % usage alert with an upgrade to recommend, as the CRM specs start from. */
export function firedAlert(overrides: Partial<FiredAlert> = {}): FiredAlert {
  return {
    id: 'a1',
    customerId: 'c1',
    rule: 'usage_threshold',
    level: '80',
    channels: ['email', 'crm_task'],
    meter: 'tokens',
    quantity: new Decimal('850'),
    limit: new Decimal('1000'),
    currency: 'USD',
    projectedBill: new Decimal('67.50'),
    recommendedPlan: 'scale',
    incrementalAnnualRevenue: new Decimal('1800'),
    firedAt: new Date('2026-03-15T12:00:00Z'),
    intervalEnd: new Date('2026-04-01T00:00:00Z'),
    ...overrides,
  };
}
