import { Aggregation } from '../catalog/dto/meter.schema';
import { Decimal } from '../common/decimal';
import { isPlainText } from '../common/plain-text';
import { isCalendarTimestamp, readDecimal, toFieldProblems } from '../common/validation';
import {
  EVENT_ID_MAX_LENGTH,
  EventRejection,
  RejectionCode,
  UsageEventInput,
  usageEventSchema,
} from './dto/ingest-events.dto';

/** A client clock may run a little ahead of ours; beyond this a timestamp is refused. */
export const FUTURE_TOLERANCE_MS = 5 * 60_000;

/** Older timestamps are a client's bug (an epoch in seconds read as ms); refusing them bounds the partitions made. */
export const EARLIEST_TIMESTAMP = new Date('2000-01-01T00:00:00Z');

export interface MeterReference {
  id: string;
  key: string;
  aggregation: Aggregation;
  dimensions: readonly string[];
}

/** A subscription of the customer, as far as late events are concerned (hour-aligned, like its rollups). */
export interface UsageWindow {
  start: Date;
  end: Date | null;
  /** Its usage before this instant is on an issued invoice. */
  closedBefore: Date | null;
}

export interface CustomerReference {
  id: string;
  subscriptions: readonly UsageWindow[];
}

/**
 * The bound that refuses an event at `at`: usage is kept per customer, so an
 * event is still billable while any subscription running at `at` has not
 * invoiced past it. Refused (the earliest bound returned) only when every
 * subscription running then has; null otherwise, and when none runs then.
 */
export function closedBoundAt(windows: readonly UsageWindow[], at: Date): Date | null {
  let earliest: Date | null = null;
  for (const window of windows) {
    if (at < window.start || (window.end !== null && at >= window.end)) continue;
    if (window.closedBefore === null || at >= window.closedBefore) return null;
    if (earliest === null || window.closedBefore < earliest) earliest = window.closedBefore;
  }
  return earliest;
}

/** The customers (by external id) and meters (by key) a batch names that exist. */
export interface References {
  customers: ReadonlyMap<string, CustomerReference>;
  meters: ReadonlyMap<string, MeterReference>;
}

/** An event ready to store: references resolved, value read per the meter's aggregation. */
export interface ValidEvent {
  id: string;
  customerId: string;
  meterId: string;
  timestamp: Date;
  /** sum, max and last meters. */
  value: Decimal | null;
  /** unique_count meters: the identifier counted. */
  valueText: string | null;
  dimensions: Readonly<Record<string, string>>;
}

export type Checked<T> = { ok: true; event: T } | { ok: false; rejection: EventRejection };

const EVENT_FIELDS = new Set(Object.keys(usageEventSchema.shape));
const TEXT_MAX_LENGTH = 256;

function isText(value: unknown, maxLength: number): value is string {
  return (
    typeof value === 'string' && value.length > 0 && value.length <= maxLength && isPlainText(value)
  );
}

/**
 * usageEventSchema's accepted events, checked by hand: a batch of 1 000 events
 * is validated in a fraction of the time the schema takes. Anything this does
 * not accept goes through the schema, which names the field and the problem, so
 * the two only ever differ in speed (event-validation.spec.ts checks they agree).
 */
export function wellFormedEvent(raw: unknown): UsageEventInput | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const fields = raw as Record<string, unknown>;
  for (const key of Object.keys(fields)) if (!EVENT_FIELDS.has(key)) return null;
  const { id, customerExternalId, meter, timestamp, value, dimensions } = fields;
  if (
    !isText(id, EVENT_ID_MAX_LENGTH) ||
    !isText(customerExternalId, TEXT_MAX_LENGTH) ||
    !isText(meter, TEXT_MAX_LENGTH) ||
    typeof timestamp !== 'string' ||
    !isCalendarTimestamp(timestamp)
  )
    return null;
  const event: UsageEventInput = { id, customerExternalId, meter, timestamp: new Date(timestamp) };
  if (value !== undefined) {
    // Infinities and NaN are numbers to JavaScript but no value to the schema.
    const finiteNumber = typeof value === 'number' && Number.isFinite(value);
    if (!finiteNumber && (typeof value !== 'string' || !isPlainText(value))) return null;
    event.value = value;
  }
  if (dimensions !== undefined) {
    if (typeof dimensions !== 'object' || dimensions === null || Array.isArray(dimensions))
      return null;
    const entries = dimensions as Record<string, unknown>;
    for (const key of Object.keys(entries)) {
      const dimension = entries[key];
      if (
        !isPlainText(key) ||
        typeof dimension !== 'string' ||
        dimension.length > TEXT_MAX_LENGTH ||
        !isPlainText(dimension)
      )
        return null;
    }
    event.dimensions = entries as Record<string, string>;
  }
  return event;
}

/** The event's idempotency key, when it has a usable one. */
export function eventIdOf(raw: unknown): string | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const id: unknown = (raw as { id?: unknown }).id;
  return typeof id === 'string' &&
    id.length > 0 &&
    id.length <= EVENT_ID_MAX_LENGTH &&
    isPlainText(id)
    ? id
    : null;
}

/** What bounds an event's timestamp when it arrives. */
export interface AcceptedTimes {
  now: Date;
  /** The event retention's horizon: older events would be dropped, and their ids are forgotten. */
  horizon: Date;
}

/** The checks that need no database: the event's shape and its timestamp against our clock. */
export function parseEvent(
  raw: unknown,
  index: number,
  { now, horizon }: AcceptedTimes,
): Checked<UsageEventInput> {
  let event = wellFormedEvent(raw);
  if (event === null) {
    const parsed = usageEventSchema.safeParse(raw);
    if (!parsed.success) {
      const [problem] = toFieldProblems(parsed.error, `events[${index}]`);
      return rejected(index, eventIdOf(raw), 'invalid_event', problem.field, problem.problem);
    }
    event = parsed.data;
  }
  if (event.timestamp < EARLIEST_TIMESTAMP) {
    return rejected(
      index,
      event.id,
      'invalid_event',
      `events[${index}].timestamp`,
      `must be on or after ${EARLIEST_TIMESTAMP.toISOString()}`,
    );
  }
  if (event.timestamp < horizon) {
    return rejected(
      index,
      event.id,
      'invalid_event',
      `events[${index}].timestamp`,
      `is older than the event retention allows: events before ${horizon.toISOString()} are no longer kept`,
    );
  }
  if (event.timestamp.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    return rejected(
      index,
      event.id,
      'timestamp_in_future',
      `events[${index}].timestamp`,
      `is more than 5 minutes after the server time ${now.toISOString()}`,
    );
  }
  return { ok: true, event };
}

/** The checks against the customer and meter the event names. */
export function resolveEvent(
  event: UsageEventInput,
  index: number,
  references: References,
): Checked<ValidEvent> {
  const field = (name: string) => `events[${index}].${name}`;
  const customer = references.customers.get(event.customerExternalId);
  if (!customer) {
    return rejected(
      index,
      event.id,
      'unknown_customer',
      field('customerExternalId'),
      `no customer with external id '${event.customerExternalId}'`,
    );
  }
  const meter = references.meters.get(event.meter);
  if (!meter)
    return rejected(
      index,
      event.id,
      'unknown_meter',
      field('meter'),
      `no meter with key '${event.meter}'`,
    );

  const value = readValue(meter, event.value);
  if ('problem' in value)
    return rejected(index, event.id, 'invalid_event', field('value'), value.problem);

  const dimensions = event.dimensions ?? NO_DIMENSIONS;
  const undeclared = Object.keys(dimensions).find((key) => !meter.dimensions.includes(key));
  if (undeclared !== undefined) {
    const declared = meter.dimensions.length > 0 ? meter.dimensions.join(', ') : 'none';
    return rejected(
      index,
      event.id,
      'unknown_dimension',
      field(`dimensions.${undeclared}`),
      `meter '${meter.key}' has no dimension '${undeclared}' (declared: ${declared})`,
    );
  }

  const closedBefore = closedBoundAt(customer.subscriptions, event.timestamp);
  if (closedBefore !== null) {
    return rejected(
      index,
      event.id,
      'period_closed',
      field('timestamp'),
      `usage before ${closedBefore.toISOString()} is already invoiced`,
    );
  }

  // Named fields rather than a spread of `value`: a batch keeps a thousand of
  // these alive across its statements, and a spread builds a larger object.
  return {
    ok: true,
    event: {
      id: event.id,
      customerId: customer.id,
      meterId: meter.id,
      timestamp: event.timestamp,
      dimensions,
      value: value.value,
      valueText: value.valueText,
    },
  };
}

/** One object for every event without dimensions, rather than one each. */
const NO_DIMENSIONS: Readonly<Record<string, string>> = Object.freeze({});

type ReadValue = { value: Decimal | null; valueText: string | null } | { problem: string };

function readValue(meter: MeterReference, raw: string | number | undefined): ReadValue {
  switch (meter.aggregation) {
    case 'count':
      return { value: null, valueText: null };
    case 'unique_count':
      if (typeof raw === 'string' && raw.length > 0 && raw.length <= 256)
        return { value: null, valueText: raw };
      return {
        problem: `must be a string identifier (1-256 characters): meter '${meter.key}' counts unique values`,
      };
    case 'sum':
    case 'max':
    case 'last': {
      if (raw === undefined)
        return {
          problem: `is required: meter '${meter.key}' aggregates values (${meter.aggregation})`,
        };
      const read = readDecimal(raw);
      return read.ok ? { value: read.decimal, valueText: null } : { problem: read.problem };
    }
  }
}

function rejected<T>(
  index: number,
  id: string | null,
  code: RejectionCode,
  field: string,
  message: string,
): Checked<T> {
  return { ok: false, rejection: { index, id, code, field, message } };
}
