import { Decimal } from '../../common/decimal';
import { minorUnits, roundToMinorUnit } from '../../common/money';
import { unitFor } from './unit-plural';

/**
 * Formats a decimal string exactly. Node 20 implements Intl.NumberFormat v3
 * (ES2023), which accepts strings; through a JS number, amounts past 2^53 would
 * lose digits. Our ES2022 library types only declare numbers, hence the cast.
 */
function formatExact(format: Intl.NumberFormat, decimal: string): string {
  return (format.format as unknown as (value: string) => string)(decimal);
}

/** Figures as the customer reads them, in one locale. Dates are in UTC: we do not know the customer's zone. */
export class Formatter {
  constructor(private readonly locale: string) {}

  /** Rounded to the currency's minor unit the way invoices are, e.g. "1 250,50 €" in French. */
  money(amount: Decimal, currency: string): string {
    const digits = minorUnits(currency);
    const format = new Intl.NumberFormat(this.locale, {
      style: 'currency',
      currency,
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    });
    return formatExact(format, roundToMinorUnit(amount, currency).toFixed(digits));
  }

  /** A quantity with its unit in the plural it takes, every significant digit kept: "1 250 000 tokens". */
  quantity(amount: Decimal, unit: string | null): string {
    const format = new Intl.NumberFormat(this.locale, { maximumFractionDigits: 20 });
    const number = formatExact(format, amount.toFixed());
    return unit ? `${number} ${unitFor(unit, amount.toFixed(), this.locale)}` : number;
  }

  /** A ratio as a whole percentage, rounded down so 99.7 % never reads as 100 %. */
  percent(ratio: Decimal): string {
    const format = new Intl.NumberFormat(this.locale, {
      style: 'percent',
      maximumFractionDigits: 0,
    });
    return formatExact(format, ratio.toDecimalPlaces(2, Decimal.ROUND_DOWN).toFixed());
  }

  date(at: Date): string {
    return new Intl.DateTimeFormat(this.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(at);
  }
}
