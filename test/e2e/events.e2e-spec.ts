import {
  createApiKey,
  createCustomer,
  createMeter,
  createSubscription,
  uniqueKey,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { MeteringTables } from './usage-fixtures';

type Event = Record<string, unknown>;

describe('POST /v1/events', () => {
  let t: TestApp;
  let tables: MeteringTables;
  let tokens: { key: string };
  let calls: { key: string };
  let users: { key: string };
  let seats: { key: string };

  const send = (events: unknown[]) => t.admin.post('/v1/events', { events });

  let counter = 0;
  const event = (customer: string, overrides: Event = {}): Event => ({
    id: `evt_${++counter}`,
    customerExternalId: customer,
    meter: tokens.key,
    timestamp: '2026-03-15T10:00:00Z',
    value: '10',
    dimensions: { model: 'gpt-4o' },
    ...overrides,
  });

  const newCustomer = async () => {
    const { externalId } = await createCustomer(t);
    return { externalId, id: await tables.customerId(externalId) };
  };

  /** A customer with a subscription running since January, whose usage can be closed. */
  const newSubscribedCustomer = async () => {
    const customer = await newCustomer();
    await createSubscription(t, {
      customerExternalId: customer.externalId,
      startDate: '2026-01-01T00:00:00Z',
    });
    return customer;
  };

  /**
   * Totals of a customer's rollups: what every reader of usage sees. The
   * monthly rows hold the same events as the hourly ones of the sealed hours
   * (here every one: the seal is the migration's hour, these events are older).
   */
  const rollupTotals = async (customerId: string) => {
    const totals = (table: string, sealed: string) =>
      tables.query<{ events: number; value_sum: string | null }>(
        `SELECT coalesce(sum(event_count), 0)::int AS events, trim_scale(sum(value_sum))::text AS value_sum
         FROM ${table} WHERE customer_id = $1 AND ${sealed}`,
        [customerId],
      );
    const [[hourly], [sealedHours], [monthly]] = await Promise.all([
      totals('usage_hourly_rollups', 'true'),
      totals('usage_hourly_rollups', 'hour_start < (SELECT sealed_before FROM usage_rollup_seal)'),
      totals('usage_monthly_rollups', 'true'),
    ]);
    expect(monthly).toEqual(sealedHours);
    return hourly;
  };
  const storedIds = async (customerId: string) =>
    (
      await tables.query<{ event_id: string }>(
        'SELECT event_id FROM usage_events WHERE customer_id = $1 ORDER BY event_id',
        [customerId],
      )
    ).map((row) => row.event_id);

  beforeAll(async () => {
    t = await startTestApp({ now: '2026-03-15T12:00:00Z' });
    tables = new MeteringTables(t);
    tokens = await createMeter(t, { aggregation: 'sum', dimensions: ['model', 'region'] });
    calls = await createMeter(t, { aggregation: 'count', dimensions: [] });
    users = await createMeter(t, { aggregation: 'unique_count', dimensions: [] });
    seats = await createMeter(t, { aggregation: 'last', dimensions: [] });
  });
  afterAll(() => t.close());

  it('needs a key with the ingest scope (admin keys may ingest too)', async () => {
    const customer = await newCustomer();
    const body = { events: [event(customer.externalId)] };
    expect((await t.http().post('/v1/events').send(body)).status).toBe(401);

    const readKey = await createApiKey(t, 'read');
    const forbidden = await t
      .http()
      .post('/v1/events')
      .set('Authorization', `Bearer ${readKey}`)
      .send(body);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');

    const ingestKey = await createApiKey(t, 'ingest');
    const ok = await t
      .http()
      .post('/v1/events')
      .set('Authorization', `Bearer ${ingestKey}`)
      .send(body);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ accepted: 1, duplicates: 0, rejected: [] });
    expect((await send([event(customer.externalId)])).body.accepted).toBe(1);
  });

  it('answers a body that is not JSON with 400', async () => {
    const response = await t.admin
      .post('/v1/events', '{"events": [')
      .set('Content-Type', 'application/json');
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_json');
  });

  it.each([
    ['an empty object', {}, 'events'],
    ['events that are not a list', { events: { id: 'x' } }, 'events'],
    ['an unknown field', { events: [], batch: 1 }, 'batch'],
    ['a list instead of an object', [{ id: 'x' }], ''],
  ])('answers %s with 400 validation_failed', async (_name, body, field) => {
    const response = await t.admin.post('/v1/events', body);
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({
      code: 'validation_failed',
      details: [expect.objectContaining({ field })],
    });
  });

  it('refuses more than 10 000 events with 413, and takes 10 000', async () => {
    const customer = await newCustomer();
    const events = Array.from({ length: 10_001 }, (_, i) =>
      event(customer.externalId, { id: `big_${i}` }),
    );
    const tooMany = await send(events);
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.error.code).toBe('payload_too_large');
    expect(await rollupTotals(customer.id)).toEqual({ events: 0, value_sum: null });

    const limit = await send(events.slice(0, 10_000));
    expect(limit.status).toBe(200);
    expect(limit.body).toEqual({ accepted: 10_000, duplicates: 0, rejected: [] });
    expect(await rollupTotals(customer.id)).toEqual({ events: 10_000, value_sum: '100000' });
  });

  it('rejects each bad event with its code and field, accepts the rest, and stores nothing of the rejected', async () => {
    const customer = await newSubscribedCustomer();
    await tables.closeUsageBefore(customer.externalId, '2026-03-01T00:00:00Z');
    const c = customer.externalId;
    const response = await send([
      event(c, { id: 'ok_1', value: '7' }),
      event(c, { id: undefined }),
      event(c, { id: 'bad_value', value: 'seven' }),
      event(c, { id: 'bad_time', timestamp: 'yesterday' }),
      event(c, { id: 'no_customer', customerExternalId: 'nobody' }),
      event(c, { id: 'no_meter', meter: 'llm_tokenz' }),
      event(c, { id: 'no_dimension', dimensions: { model: 'gpt-4o', tier: 'gold' } }),
      event(c, { id: 'future', timestamp: '2026-03-15T12:05:01Z' }),
      event(c, { id: 'closed', timestamp: '2026-02-28T23:00:00Z' }),
      'not an event',
    ]);
    expect(response.status).toBe(200);
    expect(response.body.accepted).toBe(1);
    expect(response.body.duplicates).toBe(0);
    expect(response.body.rejected.map((r: Event) => [r.index, r.id, r.code, r.field])).toEqual([
      [1, null, 'invalid_event', 'events[1].id'],
      [2, 'bad_value', 'invalid_event', 'events[2].value'],
      [3, 'bad_time', 'invalid_event', 'events[3].timestamp'],
      [4, 'no_customer', 'unknown_customer', 'events[4].customerExternalId'],
      [5, 'no_meter', 'unknown_meter', 'events[5].meter'],
      [6, 'no_dimension', 'unknown_dimension', 'events[6].dimensions.tier'],
      [7, 'future', 'timestamp_in_future', 'events[7].timestamp'],
      [8, 'closed', 'period_closed', 'events[8].timestamp'],
      [9, null, 'invalid_event', 'events[9]'],
    ]);
    expect(response.body.rejected[4].message).toBe("no meter with key 'llm_tokenz'");
    expect(await storedIds(customer.id)).toEqual(['ok_1']);
    expect(await rollupTotals(customer.id)).toEqual({ events: 1, value_sum: '7' });
    const ids = await tables.query('SELECT 1 FROM usage_event_ids WHERE event_id = ANY($1)', [
      ['bad_value', 'bad_time', 'no_customer', 'no_meter', 'no_dimension', 'future', 'closed'],
    ]);
    expect(ids).toEqual([]);
  });

  it('takes the events of a customer created after a batch that named it unknown', async () => {
    // Ingestion remembers the customers it found, never one it did not.
    const externalId = uniqueKey('created_later');
    const early = await send([event(externalId, { id: 'before_customer' })]);
    expect(early.body.rejected.map((r: Event) => r.code)).toEqual(['unknown_customer']);
    await createCustomer(t, { externalId });
    const late = await send([event(externalId, { id: 'after_customer', value: '3' })]);
    expect(late.body).toMatchObject({ accepted: 1, rejected: [] });
    expect(await storedIds(await tables.customerId(externalId))).toEqual(['after_customer']);
  });

  it('accepts the same batch once and counts it as duplicates when sent again', async () => {
    const customer = await newCustomer();
    const batch = Array.from({ length: 50 }, (_, i) =>
      event(customer.externalId, { value: String(i), dimensions: { model: i % 2 ? 'a' : 'b' } }),
    );
    const answers = [];
    for (let attempt = 0; attempt < 3; attempt++) answers.push((await send(batch)).body);
    expect(answers).toEqual([
      { accepted: 50, duplicates: 0, rejected: [] },
      { accepted: 0, duplicates: 50, rejected: [] },
      { accepted: 0, duplicates: 50, rejected: [] },
    ]);
    // 0 + 1 + … + 49 = 1225
    expect(await rollupTotals(customer.id)).toEqual({ events: 50, value_sum: '1225' });
  });

  it('counts a repeated id as a duplicate whatever it now carries, even once its period has closed', async () => {
    const customer = await newSubscribedCustomer();
    const c = customer.externalId;
    const original = event(c, { id: 'once', value: '10', timestamp: '2026-03-02T10:00:00Z' });
    expect((await send([original, { ...original, value: '20' }])).body).toEqual({
      accepted: 1,
      duplicates: 1,
      rejected: [],
    });

    await tables.closeUsageBefore(customer.externalId, '2026-03-10T00:00:00Z');
    const retried = await send([
      original,
      { ...original, value: '99' },
      { ...original, meter: 'llm_tokenz' },
      { ...original, value: 'not a number' },
      event(c, { id: 'new_but_closed', timestamp: '2026-03-02T11:00:00Z' }),
    ]);
    expect(retried.body).toMatchObject({
      accepted: 0,
      duplicates: 4,
      rejected: [{ index: 4, id: 'new_but_closed', code: 'period_closed' }],
    });
    expect(await rollupTotals(customer.id)).toEqual({ events: 1, value_sum: '10' });
  });

  it('keeps the latest value of a last meter when an older event arrives late; equal timestamps go by id', async () => {
    const customer = await newCustomer();
    const seat = (id: string, timestamp: string, value: string) =>
      event(customer.externalId, { id, meter: seats.key, timestamp, value, dimensions: undefined });
    await send([seat('s_b', '2026-03-15T10:30:00Z', '5')]);
    await send([seat('s_a', '2026-03-15T10:10:00Z', '9')]);
    const lastValue = async () =>
      (
        await tables.query<{ last_value: string }>(
          `SELECT last_value::text FROM usage_hourly_rollups
           WHERE customer_id = $1 AND meter_id = (SELECT id FROM meters WHERE key = $2)
           UNION ALL
           SELECT last_value::text FROM usage_monthly_rollups
           WHERE customer_id = $1 AND meter_id = (SELECT id FROM meters WHERE key = $2)`,
          [customer.id, seats.key],
        )
      ).map((row) => row.last_value);
    expect(await lastValue()).toEqual(['5', '5']);
    await send([
      seat('s_a2', '2026-03-15T10:30:00Z', '6'),
      seat('s_c', '2026-03-15T10:30:00Z', '7'),
    ]);
    expect(await lastValue()).toEqual(['7', '7']); // same instant as s_b: the greatest id, s_c, is the last
  });

  it('stores count and unique_count events by what they count', async () => {
    const customer = await newCustomer();
    const c = customer.externalId;
    const response = await send([
      event(c, { meter: calls.key, value: undefined, dimensions: {} }),
      event(c, { meter: calls.key, value: 'ignored', dimensions: {} }),
      event(c, { meter: users.key, value: 'u1', dimensions: {} }),
      event(c, { meter: users.key, value: 'u1', dimensions: {} }),
      event(c, { meter: users.key, value: 'u2', dimensions: {} }),
    ]);
    expect(response.body).toEqual({ accepted: 5, duplicates: 0, rejected: [] });
    const values = await tables.query<{ value: string }>(
      'SELECT value FROM usage_hourly_unique_values WHERE customer_id = $1 ORDER BY value',
      [customer.id],
    );
    expect(values.map((row) => row.value)).toEqual(['u1', 'u2']);
  });

  it('stores each event once when four clients send overlapping batches at the same time', async () => {
    const customer = await newCustomer();
    // 400 distinct events in January (a month without a partition yet), spread over hours and dimension sets.
    const all = Array.from({ length: 400 }, (_, i) =>
      event(customer.externalId, {
        id: `conc_${i}`,
        timestamp: new Date(Date.UTC(2026, 0, 1 + (i % 5), i % 24, i % 60)).toISOString(),
        value: `${i}.5`,
        dimensions: { model: `m${i % 3}`, region: `r${i % 2}` },
      }),
    );
    // Client k sends events [80k, 80k + 160): all 400 are sent, 240 of them twice.
    const batches = [0, 1, 2, 3].map((k) => all.slice(80 * k, 80 * k + 160));
    const answers = await Promise.all(batches.map((batch) => send(batch)));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200]);
    const accepted = answers.reduce((total, answer) => total + answer.body.accepted, 0);
    const duplicates = answers.reduce((total, answer) => total + answer.body.duplicates, 0);
    expect([accepted, duplicates]).toEqual([400, 4 * 160 - 400]);
    // Σ (i + 0.5) for i in [0, 400) = 400·399/2 + 200 = 80000
    expect(await rollupTotals(customer.id)).toEqual({ events: 400, value_sum: '80000' });
    expect(await storedIds(customer.id)).toHaveLength(400);
  });
});
