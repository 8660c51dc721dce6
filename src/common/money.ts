import { Decimal } from './decimal';

/**
 * ISO 4217 minor units for currencies that do not use two decimals; every other
 * currency uses 2. Source: the ISO 4217 list (currency exponent column).
 */
const MINOR_UNITS: Readonly<Record<string, number>> = {
  BIF: 0,
  CLP: 0,
  DJF: 0,
  GNF: 0,
  ISK: 0,
  JPY: 0,
  KMF: 0,
  KRW: 0,
  PYG: 0,
  RWF: 0,
  UGX: 0,
  UYI: 0,
  VND: 0,
  VUV: 0,
  XAF: 0,
  XOF: 0,
  XPF: 0,
  BHD: 3,
  IQD: 3,
  JOD: 3,
  KWD: 3,
  LYD: 3,
  OMR: 3,
  TND: 3,
  CLF: 4,
  UYW: 4,
};

export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export function minorUnits(currency: string): number {
  return MINOR_UNITS[currency] ?? 2;
}

/**
 * Rounds an exact amount to the currency's minor unit, half away from zero
 * ("half-up" on magnitudes), the rule printed on every invoice line.
 */
export function roundToMinorUnit(amount: Decimal, currency: string): Decimal {
  return amount.toDecimalPlaces(minorUnits(currency), Decimal.ROUND_HALF_UP);
}

/** The rounded amount as the API sends it: always with the currency's decimals ("49.50", "1200"). */
export function formatMoney(amount: Decimal, currency: string): string {
  return roundToMinorUnit(amount, currency).toFixed(minorUnits(currency));
}

/**
 * Padded to the currency's minor unit ("50.00") but never rounded: credit can be
 * granted in finer amounts than invoices bill, and a balance must not hide them.
 */
export function formatUnrounded(amount: Decimal, currency: string): string {
  return amount.toFixed(Math.max(minorUnits(currency), amount.decimalPlaces()));
}
