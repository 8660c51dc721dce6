import { AlertSignal } from './crm-payload';
import { expansionOpportunity, RecordSubject, upsellTask } from './crm-records';

const signal: AlertSignal = {
  alertId: 'a1',
  rule: 'usage_threshold',
  level: '80',
  meter: 'tokens',
  quantity: '850',
  limit: '1000',
  currency: 'USD',
  projectedBill: '67.5',
  recommendedPlan: 'scale',
  incrementalAnnualRevenue: '1800',
  firedAt: '2026-03-15T12:00:00.000Z',
  intervalEnd: '2026-04-01T00:00:00.000Z',
};

const subject: RecordSubject = {
  customerId: 'c1',
  externalId: 'acme corp',
  name: 'Acme',
  account: { id: '501', ownerId: '77', created: false },
};

describe('upsellTask', () => {
  it('is for the account owner, keyed by alert, with the numbers and a link back', () => {
    const task = upsellTask(signal, subject, 'https://billing.example');
    expect(task).toMatchObject({
      externalKey: 'alert:a1',
      accountId: '501',
      ownerId: '77',
      subject: 'Upsell: Acme is at 85 % of its tokens limit',
      dueAt: new Date('2026-03-16T12:00:00.000Z'),
      requestedByCustomer: false,
    });
    expect(task.body.split('\n')).toEqual([
      'Alert: usage_threshold 80 % (tokens) at 2026-03-15T12:00:00.000Z',
      'Usage: 850 of a limit of 1000 (85 %)',
      'Projected bill this period: USD 67.50',
      'Recommended plan: scale',
      'Incremental annual revenue: USD 1800.00',
      'Usage details: https://billing.example/v1/customers/acme%20corp/usage',
    ]);
  });
});

describe('expansionOpportunity', () => {
  it('is one per customer and reason, worth the incremental annual revenue, closing with the interval', () => {
    expect(expansionOpportunity(signal, 'usage_limit', subject, 'https://b.example')).toMatchObject(
      {
        externalKey: 'c1:usage_limit',
        amount: '1800',
        currency: 'USD',
        name: 'Expansion: Acme → scale',
        closeDate: new Date('2026-04-01T00:00:00.000Z'),
        requestedByCustomer: false,
      },
    );
  });
});
