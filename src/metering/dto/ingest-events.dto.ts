import { z } from 'zod';
import { CONTROL_CHARACTER_PROBLEM, isPlainText } from '../../common/plain-text';
import { timestampField } from '../../common/validation';

/** More events than this in one request → 413, so one request stays one bounded transaction. */
export const MAX_EVENTS_PER_REQUEST = 10_000;

/**
 * The request envelope. Events stay `unknown` here: each one is validated on
 * its own (usageEventSchema), so one bad event never fails the request.
 */
const enforceField = z.boolean({ error: 'must be true or false' }).default(false).meta({
  description:
    'refuse, each with code quota_exceeded, the events that would take usage past a hard quota (products that meter before they serve)',
});

export const ingestEventsSchema = z.strictObject({
  events: z.array(z.unknown(), { error: 'must be an array of events' }),
  enforce: enforceField,
});

function text(max: number) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') })
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    .refine(isPlainText, { error: CONTROL_CHARACTER_PROBLEM });
}

export const EVENT_ID_MAX_LENGTH = 256;

/** One event's shape; what `value` must be depends on the meter's aggregation (event-validation.ts). */
export const usageEventSchema = z.strictObject({
  id: text(EVENT_ID_MAX_LENGTH).meta({
    description: 'idempotency key: an id already stored counts as a duplicate',
  }),
  customerExternalId: text(256),
  meter: text(256),
  timestamp: timestampField,
  value: z
    .union([z.string().refine(isPlainText, { error: CONTROL_CHARACTER_PROBLEM }), z.number()], {
      error: 'must be a decimal string, a number or a string identifier',
    })
    .optional()
    .meta({
      description:
        'decimal for sum/max/last (required), ignored for count, a string identifier for unique_count',
    }),
  dimensions: z
    .record(
      z.string().refine(isPlainText, { error: `names ${CONTROL_CHARACTER_PROBLEM}` }),
      z
        .string({ error: 'must be a string' })
        .max(256, { error: 'must be at most 256 characters' })
        .refine(isPlainText, { error: CONTROL_CHARACTER_PROBLEM }),
      {
        error: 'must be an object of string values',
      },
    )
    .optional(),
});

export type UsageEventInput = z.output<typeof usageEventSchema>;

/** The body as documented in OpenAPI (parsing uses the two schemas above). */
export const documentedIngestEventsSchema = z.strictObject({
  events: z.array(usageEventSchema).max(MAX_EVENTS_PER_REQUEST),
  enforce: enforceField,
});

export const REJECTION_CODES = [
  'invalid_event',
  'unknown_customer',
  'unknown_meter',
  'unknown_dimension',
  'timestamp_in_future',
  'period_closed',
  'quota_exceeded',
] as const;
export type RejectionCode = (typeof REJECTION_CODES)[number];

export interface EventRejection {
  index: number;
  /** The event's id when it has a valid one, else null. */
  id: string | null;
  code: RejectionCode;
  field: string;
  message: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: EventRejection[];
}
