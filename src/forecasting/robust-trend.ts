/** The trend of a daily series, robust to bursts and shrunk when it is mostly noise. */
import { Decimal, sumDecimals, ZERO } from '../common/decimal';
import { mean, median, robustStandardDeviation } from './statistics';

/** A point of a series: `x` is a day index, exact as a JS integer. */
export interface Point {
  x: number;
  y: Decimal;
}

/**
 * The Theil–Sen slope (the median of the slopes between all pairs of points):
 * unlike least squares it ignores up to ~29 % of arbitrary outliers, so a burst
 * does not tilt the trend. It is then multiplied by max(0, 1 − SE² / slope²),
 * with SE its standard error from the residuals' robust spread: a slope well
 * beyond its noise is kept, one within it fades to zero, so a flat but noisy
 * customer is not projected to grow or shrink.
 */
export function robustTrend(points: readonly Point[]): Decimal {
  const slope = theilSenSlope(points);
  if (slope.isZero()) return ZERO;
  const standardError = slopeStandardError(points, slope);
  const shrinkage = new Decimal(1).minus(standardError.div(slope).pow(2));
  return slope.times(Decimal.max(shrinkage, ZERO));
}

function theilSenSlope(points: readonly Point[]): Decimal {
  const slopes = points.flatMap((a, i) =>
    points.slice(i + 1).flatMap((b) => (b.x === a.x ? [] : [b.y.minus(a.y).div(b.x - a.x)])),
  );
  return slopes.length === 0 ? ZERO : median(slopes);
}

/** σ / √Σ(x − x̄)², the least-squares formula, with σ estimated robustly from the residuals. */
function slopeStandardError(points: readonly Point[], slope: Decimal): Decimal {
  const xs = points.map(({ x }) => new Decimal(x));
  const xMean = mean(xs);
  const spreadOfX = sumDecimals(xs.map((x) => x.minus(xMean).pow(2)));
  const residuals = points.map(({ x, y }) => y.minus(slope.times(x)));
  return robustStandardDeviation(residuals).div(spreadOfX.sqrt());
}
