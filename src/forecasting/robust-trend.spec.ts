import { d, seededUniform } from './forecast.fixtures';
import { Point, robustTrend } from './robust-trend';

const line = (days: number, at: (x: number) => number): Point[] =>
  Array.from({ length: days }, (_, index) => ({ x: index - days, y: d(at(index - days)) }));

describe('robustTrend', () => {
  it('is the slope of an exact line', () => {
    expect(robustTrend(line(28, (x) => 1000 + 2 * x)).toFixed()).toBe('2');
  });

  it('keeps a clear slope when a few days burst', () => {
    const bursty = line(28, (x) => 1000 + 5 * x + (x % 9 === 0 ? 8000 : 0)); // 3 bursts
    expect(robustTrend(bursty).minus(5).abs().toNumber()).toBeLessThan(0.5);
  });

  it('shrinks a slope within its own noise to (nearly) nothing', () => {
    // 1 000 ± 10 % with no trend: the raw Theil–Sen slope of 28 noisy days is not zero.
    const uniform = seededUniform(7);
    const noisy = line(28, () => 0).map(({ x }) => ({
      x,
      y: uniform().minus('0.5').times(200).plus(1000),
    }));
    expect(robustTrend(noisy).abs().toNumber()).toBeLessThan(0.5);
  });

  it('is zero with fewer than two days', () => {
    expect(robustTrend([{ x: -1, y: d(5) }]).toFixed()).toBe('0');
  });
});
