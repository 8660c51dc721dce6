/** Builders for the rating specs: rates written as strings, the way the API receives them. */
import { Decimal } from '../common/decimal';
import type { PercentageRate, Tier } from './rate';

export function d(value: string): Decimal {
  return new Decimal(value);
}

export function tier(upTo: string | null, unitAmount: string, flatAmount = '0'): Tier {
  return {
    upTo: upTo === null ? null : d(upTo),
    unitAmount: d(unitAmount),
    flatAmount: d(flatAmount),
  };
}

export function events(...values: string[]): { events: Decimal[] } {
  return { events: values.map(d) };
}

interface PercentageFields {
  rate: string;
  fixedAmount?: string;
  freeEvents?: string;
  freeAmount?: string;
  minPerEvent?: string;
  maxPerEvent?: string;
}

/** Defaults as in the API contract: no fixed fee, nothing free, no bounds. */
export function percentageRate(fields: PercentageFields): PercentageRate {
  return {
    model: 'percentage',
    rate: d(fields.rate),
    fixedAmount: d(fields.fixedAmount ?? '0'),
    freeEvents: d(fields.freeEvents ?? '0'),
    freeAmount: d(fields.freeAmount ?? '0'),
    minPerEvent: fields.minPerEvent === undefined ? null : d(fields.minPerEvent),
    maxPerEvent: fields.maxPerEvent === undefined ? null : d(fields.maxPerEvent),
  };
}
