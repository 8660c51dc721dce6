import { Aggregation } from '../catalog/dto/meter.schema';
import { Decimal } from '../common/decimal';
import { isPlainText } from '../common/plain-text';
import { decimalField, toFieldProblems } from '../common/validation';
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
  dimensions: Record<string, string>;
}

export type Checked<T> = { ok: true; event: T } | { ok: false; rejection: EventRejection };

const decimalValue = decimalField({ allowNumber: true });

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

/** The checks that need no database: the event's shape and its timestamp against our clock. */
export function parseEvent(raw: unknown, index: number, now: Date): Checked<UsageEventInput> {
  const parsed = usageEventSchema.safeParse(raw);
  if (!parsed.success) {
    const [problem] = toFieldProblems(parsed.error, `events[${index}]`);
    return rejected(index, eventIdOf(raw), 'invalid_event', problem.field, problem.problem);
  }
  const event = parsed.data;
  if (event.timestamp < EARLIEST_TIMESTAMP) {
    return rejected(
      index,
      event.id,
      'invalid_event',
      `events[${index}].timestamp`,
      `must be on or after ${EARLIEST_TIMESTAMP.toISOString()}`,
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

  const dimensions = event.dimensions ?? {};
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

  return {
    ok: true,
    event: {
      id: event.id,
      customerId: customer.id,
      meterId: meter.id,
      timestamp: event.timestamp,
      dimensions,
      ...value,
    },
  };
}

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
      const parsed = decimalValue.safeParse(raw);
      return parsed.success
        ? { value: parsed.data, valueText: null }
        : { problem: parsed.error.issues[0].message };
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
