import { d } from './forecast.fixtures';
import { runRateProjection } from './run-rate';

// A 30-day interval.
const interval = { start: new Date('2024-04-01T00:00:00Z'), end: new Date('2024-05-01T00:00:00Z') };

describe('runRateProjection', () => {
  it('holds the pace so far to the end: 300 in 3 days of 30 is 3 000', () => {
    expect(runRateProjection(d(300), interval, new Date('2024-04-04T00:00:00Z')).toFixed()).toBe(
      '3000',
    );
  });

  it('counts partial days: 150 in 1.5 days of 30 is 3 000', () => {
    expect(runRateProjection(d(150), interval, new Date('2024-04-02T12:00:00Z')).toFixed()).toBe(
      '3000',
    );
  });

  it('at the very start, with nothing elapsed, is the usage so far', () => {
    expect(runRateProjection(d(0), interval, interval.start).toFixed()).toBe('0');
  });
});
