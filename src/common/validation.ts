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

interface DecimalOptions {
  /** Quantities may arrive as JSON numbers; amounts must be strings. */
  allowNumber?: boolean;
  nonNegative?: boolean;
  positive?: boolean;
}

export const DECIMAL_PROBLEM = 'must be a decimal string such as "12.50"';

export type ReadDecimal = { ok: true; decimal: Decimal } | { ok: false; problem: string };

/** A decimal string (surrounding spaces ignored) or a finite JSON number, within bounds, as a Decimal. */
export function readDecimal(value: string | number): ReadDecimal {
  const text = typeof value === 'number' ? numberToText(value) : value.trim();
  if (text === null || !isDecimalString(text)) return { ok: false, problem: DECIMAL_PROBLEM };
  if (!withinDecimalBounds(text)) return { ok: false, problem: DECIMAL_BOUNDS_PROBLEM };
  return { ok: true, decimal: new Decimal(text) };
}

/** A decimal string (or, for quantities, a JSON number) parsed into a Decimal. */
export function decimalField(options: DecimalOptions = {}) {
  const raw = options.allowNumber
    ? z.union([z.string(), z.number()], { error: DECIMAL_PROBLEM })
    : z.string({ error: DECIMAL_PROBLEM });
  return raw
    .transform((value, ctx) => {
      const read = readDecimal(value);
      if (!read.ok) {
        ctx.addIssue({ code: 'custom', message: read.problem });
        return z.NEVER;
      }
      const decimal = read.decimal;
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

/**
 * The digits a decimal field may have on each side of the point. 30 + 30 stay
 * within the 60 significant digits every computation keeps (decimal.ts), and
 * bound the work and the size of the answer a single value can cause.
 */
export const DECIMAL_INTEGER_DIGITS = 30;
export const DECIMAL_FRACTION_DIGITS = 30;
const DECIMAL_BOUNDS_PROBLEM = `must have at most ${DECIMAL_INTEGER_DIGITS} digits before the decimal point and ${DECIMAL_FRACTION_DIGITS} after it`;

/** `text` is a plain decimal (DECIMAL_PATTERN). */
function withinDecimalBounds(text: string): boolean {
  const [integer, fraction = ''] = text.replace('-', '').split('.');
  return integer.length <= DECIMAL_INTEGER_DIGITS && fraction.length <= DECIMAL_FRACTION_DIGITS;
}

function numberToText(value: number): string | null {
  if (!Number.isFinite(value)) return null;
  // String() gives the shortest text that reads back as the same double; expand
  // exponents when the result can be within bounds (1e308 or 5e-324 cannot).
  const text = String(value);
  const exponent = /e([+-]\d+)$/i.exec(text);
  if (!exponent) return text;
  const power = Number(exponent[1]);
  return power >= DECIMAL_INTEGER_DIGITS || power < -DECIMAL_FRACTION_DIGITS - 1
    ? null
    : new Decimal(text).toFixed();
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
  .refine(isCalendarTimestamp, {
    error: 'must be an ISO-8601 UTC timestamp such as "2026-03-01T00:00:00Z"',
  })
  .transform((text) => new Date(text));

const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;

/**
 * A timestamp whose fields are a real date and time: JavaScript's parser
 * rolls 2026-02-30 over to March and reads 24:00 as the next day, and year
 * 0000 is no year PostgreSQL knows.
 */
export function isCalendarTimestamp(text: string): boolean {
  const fields = ISO_TIMESTAMP.exec(text);
  if (!fields) return false;
  const [year, month, day, hour, minute, second = '0', offsetHours = '0', offsetMinutes = '0'] =
    fields.slice(1);
  return (
    isCalendarDate(Number(year), Number(month), Number(day)) &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59 &&
    Number(offsetHours) <= 23 &&
    Number(offsetMinutes) <= 59
  );
}

/** Days of each month in a common (non-leap) year. */
const DAYS_IN_COMMON_YEAR = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Year 1 to 9999, month 1 to 12, and a day that month has. */
export function isCalendarDate(year: number, month: number, day: number): boolean {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  return day <= DAYS_IN_COMMON_YEAR[month - 1] || (month === 2 && day === 29 && isLeapYear(year));
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
