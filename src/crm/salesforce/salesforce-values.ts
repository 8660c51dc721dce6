/**
 * Conversions from our exact values to what Salesforce fields take in JSON.
 */
import Decimal from 'decimal.js';

/**
 * Salesforce Number/Currency/Percent fields are JSON numbers. Amounts stay
 * decimal strings until here; we convert at the last moment and refuse a
 * value a double cannot carry exactly (over 15 significant digits) rather
 * than send a silently rounded amount.
 */
export function toSalesforceNumber(value: string): number {
  const exact = new Decimal(value);
  const converted = Number(value);
  if (!exact.equals(converted)) {
    throw new RangeError(`${value} cannot be sent to Salesforce without rounding`);
  }
  return converted;
}

/** Date fields (ActivityDate, CloseDate) take the UTC calendar day. */
export function toSalesforceDate(value: Date): string {
  return value.toISOString().slice(0, 10);
}

/** SOQL string literal: backslash-escape quotes and backslashes. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}
