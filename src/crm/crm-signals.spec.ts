import { Decimal } from '../common/decimal';
import { alertMessages, invoiceMessage } from './crm-signals';
import { firedAlert } from './testing/fired-alert';

const alert = firedAlert;

describe('alertMessages', () => {
  it('makes properties, a task and, with upside, a deal, each keyed by alert', () => {
    expect(alertMessages(alert()).map((m) => [m.dedupeKey, m.payload.kind])).toEqual([
      ['alert:a1:properties', 'account_properties'],
      ['alert:a1:task', 'upsell_task'],
      ['alert:a1:opportunity', 'expansion_opportunity'],
    ]);
  });

  it('opens no deal for a threshold without upside unless the rule asks for one', () => {
    const flat = { incrementalAnnualRevenue: new Decimal(0) };
    expect(alertMessages(alert(flat)).map((m) => m.payload.kind)).toEqual([
      'account_properties',
      'upsell_task',
    ]);
    const asked = alertMessages(alert({ ...flat, channels: ['crm_opportunity'] }));
    expect(asked.map((m) => m.payload.kind)).toEqual([
      'account_properties',
      'expansion_opportunity',
    ]);
  });

  it('keys one deal per customer and reason: every threshold level is the same conversation', () => {
    const [, , deal] = alertMessages(alert({ level: '100' }));
    expect(deal.payload).toMatchObject({ reason: 'usage_limit', customerId: 'c1' });
  });
});

describe('signalProperties', () => {
  it('gives usage, percent (850 / 1000 = 85 %), bill and the alert; leaves out what it lacks', () => {
    const [properties] = alertMessages(alert());
    expect(properties.payload).toMatchObject({
      properties: {
        currentUsage: '850',
        usageLimit: '1000',
        percentOfLimit: '85',
        projectedBill: '67.5',
        lastAlert: 'usage_threshold 80 % (tokens)',
        lastAlertAt: '2026-03-15T12:00:00.000Z',
      },
    });
    const spend = alertMessages(
      alert({ rule: 'spend_threshold', meter: null, quantity: null, limit: null }),
    );
    const spendPayload = spend[0].payload;
    if (spendPayload.kind !== 'account_properties') throw new Error('expected properties');
    expect(Object.keys(spendPayload.properties).sort()).toEqual([
      'lastAlert',
      'lastAlertAt',
      'projectedBill',
    ]);
  });

  it('gives no percent without a limit', () => {
    const [message] = alertMessages(alert({ limit: null }));
    if (message.payload.kind !== 'account_properties') throw new Error('expected properties');
    expect(message.payload.properties.percentOfLimit).toBeUndefined();
  });
});

describe('invoiceMessage', () => {
  it('is keyed by invoice', () => {
    expect(invoiceMessage({ id: 'i1', customerId: 'c1' })).toEqual({
      dedupeKey: 'invoice:i1',
      payload: { kind: 'invoice', customerId: 'c1', invoiceId: 'i1' },
    });
  });
});
