/**
 * Summary statistics over Decimals; most are robust (a few wild values cannot
 * drag them far), and say so where they are not.
 */
import { Decimal, sumDecimals } from '../common/decimal';

export function mean(values: readonly Decimal[]): Decimal {
  requireValues(values);
  return sumDecimals(values).div(values.length);
}

/** The middle value, or the mean of the two middle values. */
export function median(values: readonly Decimal[]): Decimal {
  requireValues(values);
  const sorted = [...values].sort((a, b) => a.comparedTo(b));
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : sorted[middle - 1].plus(sorted[middle]).div(2);
}

/** √(mean of squares): not robust on purpose where every burst must count, as in a spread. */
export function rootMeanSquare(values: readonly Decimal[]): Decimal {
  return mean(values.map((value) => value.pow(2))).sqrt();
}

/**
 * The mean with every value above `multiple` × the median counted as that cap
 * (a winsorised mean). No cap when the median is zero: then the few non-zero
 * values are all there is.
 */
export function meanCappedAtMedianMultiple(values: readonly Decimal[], multiple: Decimal): Decimal {
  const cap = median(values).times(multiple);
  return mean(cap.isZero() ? values : values.map((value) => Decimal.min(value, cap)));
}

/**
 * The standard deviation estimated from the median absolute deviation: 1.4826 ×
 * MAD equals σ for normal data, and bursts barely move it.
 */
export function robustStandardDeviation(values: readonly Decimal[]): Decimal {
  const centre = median(values);
  return median(values.map((value) => value.minus(centre).abs())).times('1.4826');
}

function requireValues(values: readonly Decimal[]): void {
  if (values.length === 0) throw new RangeError('a statistic of no values is undefined');
}
