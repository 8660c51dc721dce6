import { Decimal } from '../common/decimal';
import { alertMessages, customerRequestMessages, FiredAlert, invoiceMessage } from './crm-signals';
import { overwrittenRecord } from './crm-supersession';

const alert = (level: string, quantity: string, firedAt: string): FiredAlert => ({
  id: `alert-${level}`,
  customerId: 'c1',
  rule: 'usage_threshold',
  level,
  channels: ['crm_task'],
  meter: 'tokens',
  quantity: new Decimal(quantity),
  limit: new Decimal(1000),
  currency: 'USD',
  projectedBill: new Decimal('120.00'),
  recommendedPlan: 'scale',
  incrementalAnnualRevenue: new Decimal('1200'),
  firedAt: new Date(firedAt),
  intervalEnd: new Date('2026-04-01T00:00:00Z'),
});

const recordsOf = (fired: FiredAlert) =>
  Object.fromEntries(
    alertMessages(fired).map((m) => [m.payload.kind, overwrittenRecord(m.payload)]),
  );

describe('overwrittenRecord', () => {
  it('gives the 80 % and 100 % alerts the same deal and account records, each at its moment', () => {
    const at80 = recordsOf(alert('80', '840', '2026-03-14T09:00:00Z'));
    const at100 = recordsOf(alert('100', '1040', '2026-03-15T09:00:00Z'));
    expect(at80.expansion_opportunity).toEqual({
      key: 'deal:c1:usage_limit',
      at: new Date('2026-03-14T09:00:00Z'),
    });
    expect(at100.expansion_opportunity!.key).toBe(at80.expansion_opportunity!.key);
    expect(at100.account_properties!.key).toBe(at80.account_properties!.key);
    expect(at100.account_properties!.at > at80.account_properties!.at).toBe(true);
  });

  it('keeps account figures of a different set of fields apart: one cannot stand for the other', () => {
    const withBill = recordsOf(alert('80', '840', '2026-03-14T09:00:00Z'));
    const withoutBill = recordsOf({
      ...alert('100', '1040', '2026-03-15T09:00:00Z'),
      projectedBill: null,
    });
    expect(withoutBill.account_properties!.key).not.toBe(withBill.account_properties!.key);
  });

  it('never supersedes tasks and invoices: each is a record of its own', () => {
    expect(recordsOf(alert('80', '840', '2026-03-14T09:00:00Z')).upsell_task).toBeUndefined();
    expect(overwrittenRecord(invoiceMessage({ id: 'i1', customerId: 'c1' }).payload)).toBe(
      undefined,
    );
    const [task, deal] = customerRequestMessages('c1', {
      requestId: 'r1',
      kind: 'plan_change',
      currentPlan: 'starter',
      requestedPlan: 'scale',
      currency: 'USD',
      currentCost: '49.00',
      requestedCost: '199.00',
      amount: '1800.00',
      projectedBill: '120.00',
      creditBalance: null,
      requestedAt: '2026-03-15T09:00:00.000Z',
      intervalEnd: '2026-04-01T00:00:00.000Z',
    });
    expect(overwrittenRecord(task.payload)).toBeUndefined();
    expect(overwrittenRecord(deal.payload)).toEqual({
      key: 'deal:c1:customer_request:plan_change',
      at: new Date('2026-03-15T09:00:00.000Z'),
    });
  });
});
