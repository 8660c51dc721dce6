import { z } from 'zod';
import { Decimal, isDecimalString } from './decimal';
import { FieldProblem, ValidationFailedError } from './errors';
import { CURRENCY_PATTERN } from './money';

/** Renders a zod path the way the API names fields: `rates[0].rate.tiers[1].upTo`. */
export function fieldPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  return path.reduce<string>((acc, segment) => {
    if (typeof segment === 'number') return `${acc}[${segment}]`;
    return acc ? `${acc}.${String(segment)}` : String(segment);
  }, prefix);
}

export function toFieldProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
  return error.issues.map((issue) => {
    if (issue.code === 'unrecognized_keys') {
      const keys = issue.keys.map((key) => fieldPath([...issue.path, key], prefix));
      return { field: keys.join(', '), problem: 'is not a known field' };
    }
    return { field: fieldPath(issue.path, prefix), problem: issue.message };
  });
}

/** Parses untrusted input at the edge; every problem is reported with its field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationFailedError(toFieldProblems(result.error));
  return result.data;
}

export const DECIMAL_PROBLEM = 'must be a decimal string such as "12.50"';

/** A decimal string (surrounding spaces ignored) or a finite JSON number as a Decimal; null when it is neither. */
export function readDecimal(value: string | number): Decimal | null {
  const text = typeof value === 'number' ? numberToText(value) : value.trim();
  return text !== null && isDecimalString(text) ? new Decimal(text) : null;
}

interface DecimalOptions {
  /** Quantities may arrive as JSON numbers; amounts must be strings. */
  allowNumber?: boolean;
  nonNegative?: boolean;
  positive?: boolean;
}

/** A decimal string (or, for quantities, a JSON number) parsed into a Decimal. */
export function decimalField(options: DecimalOptions = {}) {
  const raw = options.allowNumber
    ? z.union([z.string(), z.number()], { error: DECIMAL_PROBLEM })
    : z.string({ error: DECIMAL_PROBLEM });
  return raw
    .transform((value, ctx) => {
      const decimal = readDecimal(value);
      if (decimal === null) {
        ctx.addIssue({ code: 'custom', message: DECIMAL_PROBLEM });
        return z.NEVER;
      }
      if (options.positive && !decimal.gt(0)) {
        ctx.addIssue({ code: 'custom', message: 'must be greater than 0' });
        return z.NEVER;
      }
      if (options.nonNegative && decimal.isNegative()) {
        ctx.addIssue({ code: 'custom', message: 'must not be negative' });
        return z.NEVER;
      }
      return decimal;
    })
    .meta({ type: 'string', description: 'decimal string', example: '12.50' });
}

function numberToText(value: number): string | null {
  if (!Number.isFinite(value)) return null;
  // String() gives the shortest text that reads back as the same double; expand exponents.
  const text = String(value);
  return /e/i.test(text) ? new Decimal(text).toFixed() : text;
}

export const keyField = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/, {
    error:
      'must be 1-128 characters: letters, digits, "_", "-", "." or ":", starting with a letter or digit',
  });

export const currencyField = z
  .string({ error: 'must be an ISO 4217 currency code such as "USD"' })
  .regex(CURRENCY_PATTERN, { error: 'must be an ISO 4217 currency code such as "USD"' });

export const timestampField = z
  .string({ error: 'must be an ISO-8601 UTC timestamp such as "2026-03-01T00:00:00Z"' })
  .refine((text) => isTimestamp(text), {
    error: 'must be an ISO-8601 UTC timestamp such as "2026-03-01T00:00:00Z"',
  })
  .transform((text) => new Date(text));

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** What timestampField accepts. */
export function isTimestamp(text: string): boolean {
  return ISO_TIMESTAMP.test(text) && !Number.isNaN(Date.parse(text));
}
