import { Decimal } from '../common/decimal';
import fc from 'fast-check';
import { usageEventSchema } from './dto/ingest-events.dto';
import {
  closedBoundAt,
  parseEvent,
  References,
  resolveEvent,
  wellFormedEvent,
} from './event-validation';

/** Thirteen months of retention before March 2026. */
const TIMES = {
  now: new Date('2026-03-15T12:00:00Z'),
  horizon: new Date('2025-02-01T00:00:00Z'),
};

const references: References = {
  customers: new Map([
    [
      'acme',
      {
        id: 'c-acme',
        subscriptions: [
          {
            start: new Date('2026-01-01T00:00:00Z'),
            end: null,
            closedBefore: new Date('2026-03-01T00:00:00Z'),
          },
        ],
      },
    ],
    ['open', { id: 'c-open', subscriptions: [] }],
  ]),
  meters: new Map([
    [
      'tokens',
      {
        id: 'm-tokens',
        key: 'tokens',
        aggregation: 'sum' as const,
        dimensions: ['model', 'region'],
      },
    ],
    ['calls', { id: 'm-calls', key: 'calls', aggregation: 'count' as const, dimensions: [] }],
    [
      'users',
      { id: 'm-users', key: 'users', aggregation: 'unique_count' as const, dimensions: [] },
    ],
    ['seats', { id: 'm-seats', key: 'seats', aggregation: 'last' as const, dimensions: [] }],
  ]),
};

function event(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'evt_1',
    customerExternalId: 'acme',
    meter: 'tokens',
    timestamp: '2026-03-15T10:00:00Z',
    value: '1530',
    dimensions: { model: 'gpt-4o' },
    ...overrides,
  };
}

/** Runs both passes, as ingestion does, and returns the rejection or the stored event. */
function check(raw: unknown) {
  const parsed = parseEvent(raw, 3, TIMES);
  if (!parsed.ok) return parsed;
  return resolveEvent(parsed.event, 3, references);
}

function rejectionOf(raw: unknown) {
  const checked = check(raw);
  if (checked.ok) throw new Error('expected a rejection');
  return checked.rejection;
}

describe('event validation', () => {
  it('accepts a well-formed event and resolves its references', () => {
    const checked = check(event());
    expect(checked).toEqual({
      ok: true,
      event: {
        id: 'evt_1',
        customerId: 'c-acme',
        meterId: 'm-tokens',
        timestamp: new Date('2026-03-15T10:00:00Z'),
        value: new Decimal('1530'),
        valueText: null,
        dimensions: { model: 'gpt-4o' },
      },
    });
  });

  it('reads a JSON number as the exact decimal it prints as', () => {
    const checked = check(event({ value: 0.1 }));
    expect(checked.ok && checked.event.value?.toFixed()).toBe('0.1');
  });

  it.each([
    ['a missing id', { id: undefined }, 'events[3].id', 'is required'],
    ['an id of the wrong type', { id: 42 }, 'events[3].id', 'must be a string'],
    ['an empty id', { id: '' }, 'events[3].id', 'must not be empty'],
    [
      'a missing customer',
      { customerExternalId: undefined },
      'events[3].customerExternalId',
      'is required',
    ],
    ['a meter of the wrong type', { meter: ['tokens'] }, 'events[3].meter', 'must be a string'],
    [
      'a bad timestamp',
      { timestamp: '15/03/2026' },
      'events[3].timestamp',
      expect.stringContaining('ISO-8601'),
    ],
    [
      'a timestamp without a zone',
      { timestamp: '2026-03-15T10:00:00' },
      'events[3].timestamp',
      expect.any(String),
    ],
    [
      'a timestamp before 2000',
      { timestamp: '1970-01-21T10:00:00Z' },
      'events[3].timestamp',
      expect.any(String),
    ],
    ['a value of the wrong type', { value: true }, 'events[3].value', expect.any(String)],
    [
      'a value that is not a decimal',
      { value: '12,5' },
      'events[3].value',
      expect.stringContaining('decimal'),
    ],
    [
      'a missing value on a sum meter',
      { value: undefined },
      'events[3].value',
      expect.stringContaining('required'),
    ],
    [
      'a non-string dimension',
      { dimensions: { model: 4 } },
      'events[3].dimensions.model',
      'must be a string',
    ],
    ['an unknown field', { properties: {} }, 'events[3].properties', 'is not a known field'],
  ])('rejects %s as invalid_event on its field', (_name, overrides, field, message) => {
    expect(rejectionOf(event(overrides))).toMatchObject({
      index: 3,
      code: 'invalid_event',
      field,
      message,
    });
  });

  it('rejects an event that is not an object, without an id', () => {
    expect(rejectionOf('evt_1')).toMatchObject({
      index: 3,
      id: null,
      code: 'invalid_event',
      field: 'events[3]',
    });
  });

  it('keeps the id of a malformed event so a stored duplicate can be recognised', () => {
    expect(rejectionOf(event({ value: 'lots' })).id).toBe('evt_1');
  });

  it.each([
    [
      'unknown_customer',
      { customerExternalId: 'nobody' },
      'events[3].customerExternalId',
      "no customer with external id 'nobody'",
    ],
    ['unknown_meter', { meter: 'llm_tokenz' }, 'events[3].meter', "no meter with key 'llm_tokenz'"],
    [
      'unknown_dimension',
      { dimensions: { model: 'gpt-4o', tier: 'gold' } },
      'events[3].dimensions.tier',
      "meter 'tokens' has no dimension 'tier' (declared: model, region)",
    ],
    [
      'timestamp_in_future',
      { timestamp: '2026-03-15T12:05:01Z' },
      'events[3].timestamp',
      expect.stringContaining('5 minutes'),
    ],
    [
      'period_closed',
      { timestamp: '2026-02-28T23:59:59Z' },
      'events[3].timestamp',
      expect.stringContaining('2026-03-01'),
    ],
  ])('rejects with %s', (code, overrides, field, message) => {
    expect(rejectionOf(event(overrides))).toEqual({ index: 3, id: 'evt_1', code, field, message });
  });

  it('refuses an event older than the retention horizon, whose id would already be forgotten', () => {
    expect(rejectionOf(event({ timestamp: '2025-01-31T23:59:59Z' }))).toEqual({
      index: 3,
      id: 'evt_1',
      code: 'invalid_event',
      field: 'events[3].timestamp',
      message:
        'is older than the event retention allows: events before 2025-02-01T00:00:00.000Z are no longer kept',
    });
    expect(check(event({ customerExternalId: 'open', timestamp: '2025-02-01T00:00:00Z' })).ok).toBe(
      true,
    );
  });

  it('allows a timestamp up to 5 minutes ahead, and one exactly at the close', () => {
    expect(check(event({ timestamp: '2026-03-15T12:05:00Z' })).ok).toBe(true);
    expect(check(event({ timestamp: '2026-03-01T00:00:00Z' })).ok).toBe(true);
  });

  it('ignores the value of a count meter', () => {
    const checked = check(event({ meter: 'calls', value: 'anything', dimensions: undefined }));
    expect(checked).toMatchObject({
      ok: true,
      event: { value: null, valueText: null, dimensions: {} },
    });
  });

  it('takes a string identifier for a unique_count meter and refuses a number', () => {
    expect(check(event({ meter: 'users', value: 'user-7', dimensions: {} }))).toMatchObject({
      ok: true,
      event: { value: null, valueText: 'user-7' },
    });
    expect(rejectionOf(event({ meter: 'users', value: 7, dimensions: {} }))).toMatchObject({
      code: 'invalid_event',
      field: 'events[3].value',
    });
  });

  it('requires a decimal on a last meter', () => {
    expect(rejectionOf(event({ meter: 'seats', value: undefined, dimensions: {} }))).toMatchObject({
      code: 'invalid_event',
      field: 'events[3].value',
    });
  });
});

describe('wellFormedEvent, the schema checked by hand', () => {
  const field = fc.oneof(
    fc.string({ maxLength: 3 }),
    fc.string({ minLength: 255, maxLength: 258 }),
    fc.integer(),
    fc.double(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(fc.string(), { maxLength: 2 }),
    fc.constantFrom(
      '2026-03-15T10:00:00Z',
      '2026-03-15T10:00+01:00',
      '2026-02-30T10:00:00Z',
      'soon',
    ),
    fc.dictionary(
      fc.string({ maxLength: 3 }),
      fc.oneof(fc.string({ maxLength: 300 }), fc.integer()),
    ),
  );
  const mutated = fc
    .tuple(fc.constantFrom(...Object.keys(usageEventSchema.shape), 'extra'), field)
    .map(([key, value]) => {
      const raw: Record<string, unknown> = event();
      if (value === undefined) delete raw[key];
      else raw[key] = value;
      return raw;
    });

  it('accepts exactly what usageEventSchema accepts, with the same result', () => {
    fc.assert(
      fc.property(fc.oneof(mutated, fc.anything()), (raw) => {
        const parsed = usageEventSchema.safeParse(raw);
        const fast = wellFormedEvent(raw);
        if (fast !== null) expect(parsed).toEqual({ success: true, data: fast });
        else if (parsed.success) expect(raw).toBe('accepted by the schema only');
      }),
      // 7 keys × 11 kinds of value: each pair drawn ~6 times on the mutated half of the runs.
      { numRuns: 1000 },
    );
  });
});

describe('closedBoundAt', () => {
  const at = (iso: string) => new Date(iso);
  // Two subscriptions of one customer on different dates: A billed on the 1st, B on the 15th.
  const a = {
    start: at('2026-01-01T00:00:00Z'),
    end: null,
    closedBefore: at('2026-03-01T00:00:00Z'),
  };
  const b = {
    start: at('2026-01-15T00:00:00Z'),
    end: null,
    closedBefore: at('2026-02-15T00:00:00Z'),
  };

  it('refuses an event every running subscription has invoiced, naming the earliest bound', () => {
    expect(closedBoundAt([a, b], at('2026-02-10T00:00:00Z'))).toEqual(b.closedBefore);
  });

  it('keeps an event another running subscription still bills', () => {
    // A closed up to Mar 1, but B has invoiced only up to Feb 15.
    expect(closedBoundAt([a, b], at('2026-02-20T00:00:00Z'))).toBeNull();
  });

  it('counts only the subscriptions running at the instant', () => {
    // Jan 10: only A runs, and A is closed.
    expect(closedBoundAt([a, b], at('2026-01-10T00:00:00Z'))).toEqual(a.closedBefore);
    const ended = { ...b, end: at('2026-02-01T00:00:00Z'), closedBefore: null };
    expect(closedBoundAt([a, ended], at('2026-02-10T00:00:00Z'))).toEqual(a.closedBefore);
  });

  it('refuses nothing for a customer without a running subscription, nor at the bound itself', () => {
    expect(closedBoundAt([], at('2026-02-10T00:00:00Z'))).toBeNull();
    expect(closedBoundAt([a], at('2025-12-31T00:00:00Z'))).toBeNull();
    expect(closedBoundAt([a], at('2026-03-01T00:00:00Z'))).toBeNull();
  });
});
