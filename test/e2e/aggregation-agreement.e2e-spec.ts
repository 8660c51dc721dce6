import { DataSource } from 'typeorm';
import { AGGREGATIONS, Aggregation } from '../../src/catalog/dto/meter.schema';
import { DailyUsageRepository } from '../../src/metering/daily-usage.repository';
import { listInvoices, recordUsage, runBilling } from '../support/billing';
import {
  createBillableItem,
  createCustomer,
  createMeter,
  createPlan,
  createSubscription,
  meteredItemBody,
  planVersionBody,
  publishPlanVersion,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * The usage endpoint, the forecast (its quantity so far and its daily series)
 * and the invoice read the same events through the one definition of each
 * aggregation (src/metering/meter-aggregation.ts), so they must agree.
 *
 * Five events of 2026-03-19, over two dimension sets and four hours; the last
 * two share a timestamp, so `last` is decided by the event id in byte order:
 * "…_a" (0x61) comes after "…_B" (0x42), whatever the database's collation.
 */
const EVENTS = [
  { at: '2026-03-19T10:00:00Z', value: '5', model: 'a', suffix: '1' },
  { at: '2026-03-19T11:00:00Z', value: '7', model: 'b', suffix: '2' },
  { at: '2026-03-19T12:00:00Z', value: '5', model: 'a', suffix: '3' },
  { at: '2026-03-19T12:30:00Z', value: '8', model: 'b', suffix: 'B' },
  { at: '2026-03-19T12:30:00Z', value: '4', model: 'a', suffix: 'a' },
];

const EXPECTED: Record<Aggregation, string> = {
  sum: '29', // 5 + 7 + 5 + 8 + 4
  count: '5',
  max: '8',
  last: '4', // the tie at 12:30 goes to "_a"
  unique_count: '4', // 5, 7, 8, 4
};

describe('one aggregation rule: usage, forecast and invoice agree', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-20T00:00:00Z' });
  });

  afterAll(async () => {
    await t.close();
  });

  it.each(AGGREGATIONS)('%s', async (aggregation) => {
    t.clock.set('2026-03-20T00:00:00Z');
    const meter = await createMeter(t, { aggregation, dimensions: ['model'] });
    const item = await createBillableItem(t, meteredItemBody(meter.key));
    const { key: plan } = await createPlan(t);
    await publishPlanVersion(
      t,
      plan,
      planVersionBody(
        { meter: meter.key },
        { rates: [{ billableItem: item.key, rate: { model: 'per_unit', unitAmount: '1' } }] },
      ),
    );
    const customer = await createCustomer(t);
    const subscription = await createSubscription(t, {
      customerExternalId: customer.externalId,
      plan,
    });
    await recordUsage(
      t,
      EVENTS.map((event) => ({
        id: `${meter.key}_${event.suffix}`,
        customerExternalId: customer.externalId,
        meter: meter.key,
        timestamp: event.at,
        value: event.value,
        dimensions: { model: event.model },
      })),
    );

    const usage = await t.admin.get(`/v1/customers/${customer.externalId}/usage`);
    const forecast = await t.admin.get(`/v1/subscriptions/${subscription.id}/forecast`);
    const [{ customer_id: customerId, meter_id: meterId }]: Array<{
      customer_id: string;
      meter_id: string;
    }> = await t.app
      .get(DataSource)
      .query(
        'SELECT (SELECT id FROM customers WHERE external_id = $1) AS customer_id, (SELECT id FROM meters WHERE key = $2) AS meter_id',
        [customer.externalId, meter.key],
      );
    const daily = await t.app
      .get(DailyUsageRepository)
      .dailyTotals(customerId, new Date('2026-03-01T00:00:00Z'), new Date('2026-04-01T00:00:00Z'));
    t.clock.set('2026-04-01T01:00:00Z');
    await runBilling(t);
    const [invoice] = await listInvoices(t, `subscriptionId=${subscription.id}`);

    const usageMeter = usage.body.subscriptions[0].meters.find(
      (m: { meter: string }) => m.meter === meter.key,
    );
    const forecastMeter = forecast.body.meters.find(
      (m: { meter: string }) => m.meter === meter.key,
    );
    const [day] = daily.get(meterId) ?? [];
    const line = invoice.lines.find((l) => l.billableItem === item.key);
    expect({
      usage: usageMeter.quantity,
      forecast: forecastMeter.quantity,
      forecastDay: day && `${day.day.toISOString().slice(0, 10)} ${day.quantity.toFixed()}`,
      invoice: line?.quantity,
    }).toEqual({
      usage: EXPECTED[aggregation],
      forecast: EXPECTED[aggregation],
      forecastDay: `2026-03-19 ${EXPECTED[aggregation]}`,
      invoice: EXPECTED[aggregation],
    });
  });
});
