import { d } from './forecast.fixtures';
import {
  mean,
  meanCappedAtMedianMultiple,
  median,
  robustStandardDeviation,
  rootMeanSquare,
} from './statistics';

const values = (...numbers: number[]) => numbers.map((number) => d(number));

describe('statistics', () => {
  it('mean and median', () => {
    expect(mean(values(1, 2, 6)).toFixed()).toBe('3');
    expect(median(values(9, 1, 5)).toFixed()).toBe('5');
    expect(median(values(4, 1, 3, 2)).toFixed()).toBe('2.5');
  });

  it('refuses to summarise nothing', () => {
    expect(() => median([])).toThrow(RangeError);
  });

  it('caps values above a multiple of the median before averaging', () => {
    // Median 10, cap 30: (10 + 10 + 10 + 20 + 30) ÷ 5
    expect(meanCappedAtMedianMultiple(values(10, 10, 10, 20, 500), d(3)).toFixed()).toBe('16');
    // Median 0: nothing to scale a cap by, so a plain mean.
    expect(meanCappedAtMedianMultiple(values(0, 0, 0, 70), d(3)).toFixed()).toBe('17.5');
  });

  it('estimates σ from the median absolute deviation, unmoved by one wild value', () => {
    // Deviations from the median 10: 2, 1, 0, 1, 990 → MAD 1 → σ ≈ 1.4826
    expect(robustStandardDeviation(values(8, 9, 10, 11, 1000)).toFixed()).toBe('1.4826');
  });

  it('root mean square', () => {
    expect(rootMeanSquare(values(3, -4, 3, -4)).toFixed(4)).toBe('3.5355'); // √12.5
  });
});
