import DecimalJs from 'decimal.js';

/**
 * The one Decimal constructor the service uses. decimal.js defaults to 20
 * significant digits, which silently rounds products such as 10^15 units at a
 * 12-decimal unit price; 60 digits keep every amount we handle exact.
 * Half-up is the rounding rule of invoices (see money.ts).
 */
export const Decimal = DecimalJs.clone({
  precision: 60,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -40,
  toExpPos: 60,
});
export type Decimal = DecimalJs;

export const ZERO = new Decimal(0);

/** Strict decimal notation accepted from clients: optional sign, digits, optional fraction. */
export const DECIMAL_PATTERN = /^-?(0|[1-9]\d*)(\.\d+)?$/;

export function isDecimalString(value: string): boolean {
  return DECIMAL_PATTERN.test(value);
}

/** Plain notation (never exponent) without trailing zeros, as the API sends amounts. */
export function toDecimalString(value: DecimalJs): string {
  return value.toFixed();
}

export function sumDecimals(values: Iterable<DecimalJs>): DecimalJs {
  let total: DecimalJs = ZERO;
  for (const value of values) total = total.plus(value);
  return total;
}
