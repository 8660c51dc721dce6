import { createSubscribedCustomer } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';

describe('forecasts', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-15T12:00:00Z' });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('projects each meter of the open interval, its limit crossings and the bill', async () => {
    const s = await createSubscribedCustomer(t);
    const events = Array.from({ length: 14 }, (_, day) => ({
      id: `evt_fc_${day}`,
      customerExternalId: s.customer.externalId,
      meter: s.priced.meter.key,
      timestamp: new Date(Date.UTC(2026, 2, 1 + day, 10)).toISOString(),
      value: '30',
    }));
    expect((await t.admin.post('/v1/events', { events })).status).toBe(200);

    const response = await t.admin.get(`/v1/subscriptions/${s.subscription.id}/forecast`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      subscriptionId: s.subscription.id,
      intervalStart: '2026-03-01T00:00:00.000Z',
      intervalEnd: '2026-04-01T00:00:00.000Z',
      currency: 'USD',
    });
    const [meter] = response.body.meters;
    // 30 a day for 14 days: 420 so far; the run-rate holds 420 / 14.5 days over 31 days.
    expect(meter).toMatchObject({ meter: s.priced.meter.key, quantity: '420', limit: '1000' });
    expect(Number(meter.projected.expected)).toBeGreaterThan(800);
    expect(Number(meter.projected.expected)).toBeLessThan(1000);
    expect(meter.crossings.map((c: { percent: string }) => c.percent)).toEqual(['80', '100']);
    expect(meter.crossings[0].status).toBe('projected');
    // 49.00 licence + about 900 × 0.01.
    expect(Number(response.body.projectedBill.expected)).toBeGreaterThan(57);
    expect(Number(response.body.projectedBill.expected)).toBeLessThan(59);
  });

  describe('accuracy', () => {
    /** Weekdays 1 000 and weekends 200, ± 10 % by a fixed pattern: the weekly seasonality run-rates miss. */
    function seasonalDay(day: Date, index: number): string {
      const weekend = day.getUTCDay() === 0 || day.getUTCDay() === 6;
      return String((weekend ? 200 : 1000) * (1 + (((index * 7) % 21) - 10) / 100));
    }

    it('backtests past intervals and pools WAPE over forecasts, the method beating the run-rate', async () => {
      const s = await createSubscribedCustomer(t, {
        subscription: { startDate: '2025-12-01T00:00:00Z' },
      });
      // December to March 14: three complete months (9 forecasts at days 7, 14, 21) and the open one.
      const events = Array.from({ length: 104 }, (_, index) => {
        const day = new Date(Date.UTC(2025, 11, 1 + index));
        return {
          id: `evt_acc_${index}`,
          customerExternalId: s.customer.externalId,
          meter: s.priced.meter.key,
          timestamp: new Date(day.getTime() + 10 * 3_600_000).toISOString(),
          value: seasonalDay(day, index),
        };
      });
      expect((await t.admin.post('/v1/events', { events })).status).toBe(200);

      const response = await t.admin.get(
        `/v1/forecasts/accuracy?customerExternalId=${s.customer.externalId}`,
      );
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({
        forecasts: 9,
        byMeter: [{ meter: s.priced.meter.key, forecasts: 9 }],
      });
      const method = Number(response.body.method.wape);
      const runRate = Number(response.body.runRate.wape);
      expect(response.body.method.wape).toMatch(/^\d+(\.\d{1,2})?$/);
      expect(method).toBeLessThan(runRate);

      const byMeter = await t.admin.get(`/v1/forecasts/accuracy?meter=${s.priced.meter.key}`);
      expect(byMeter.body).toMatchObject({ forecasts: 9, method: response.body.method });
    });

    it('answers 404 for an unknown customer and 400 for an unknown parameter', async () => {
      expect((await t.admin.get('/v1/forecasts/accuracy?customerExternalId=nobody')).status).toBe(
        404,
      );
      expect((await t.admin.get('/v1/forecasts/accuracy?bogus=1')).status).toBe(400);
    });
  });

  it('answers 404 for an unknown subscription', async () => {
    const response = await t.admin.get(
      '/v1/subscriptions/00000000-0000-0000-0000-000000000000/forecast',
    );
    expect(response.status).toBe(404);
  });
});
