import { Decimal, toDecimalString } from '../../common/decimal';
import { Rate } from '../../rating/rate';
import { rateSchema } from './rate.schema';

/** A value as JSON carries it: every Decimal becomes a decimal string. */
export type Jsonified<T> = T extends Decimal
  ? string
  : T extends ReadonlyArray<infer Item>
    ? Jsonified<Item>[]
    : T extends object
      ? { [K in keyof T]: Jsonified<T[K]> }
      : T;

export type RateJson = Jsonified<Rate>;

/** The rate as stored in `plan_version_rates.rate` and sent in responses: decimals in plain notation. */
export function rateToJson(rate: Rate): RateJson {
  return jsonify(rate) as RateJson;
}

/**
 * Reads a stored rate back. It was validated when written, so a failure here
 * means the column was edited by hand: a server error, not the caller's.
 */
export function rateFromJson(json: unknown): Rate {
  return rateSchema.parse(json);
}

function jsonify(value: unknown): unknown {
  if (Decimal.isDecimal(value)) return toDecimalString(value);
  if (Array.isArray(value)) return value.map(jsonify);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, jsonify(inner)]));
  }
  return value;
}
