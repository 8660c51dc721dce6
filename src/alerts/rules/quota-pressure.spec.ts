import { Decimal } from '../../common/decimal';
import { pressureOf, quotasHold, windowSetAt } from './quota-pressure';

const d = (value: string | number) => new Decimal(value);

describe('quota_pressure', () => {
  it('watches sets of windows counted from a Monday: 168 hours are the ISO week', () => {
    expect(windowSetAt('hour', 168, new Date('2026-03-18T10:00:00Z'))).toEqual({
      start: new Date('2026-03-16T00:00:00Z'),
      end: new Date('2026-03-23T00:00:00Z'),
    });
    expect(windowSetAt('day', 7, new Date('2026-03-22T23:59:59Z')).end).toEqual(
      new Date('2026-03-23T00:00:00Z'),
    );
    // 4 weeks at a time, from Monday 1970-01-05: 2 932 weeks later is a multiple of 4.
    expect(windowSetAt('week', 4, new Date('2026-03-18T10:00:00Z'))).toEqual({
      start: new Date('2026-03-16T00:00:00Z'),
      end: new Date('2026-04-13T00:00:00Z'),
    });
  });

  it('adds up the caps, the time at the cap and the busiest demand', () => {
    const pressure = pressureOf([
      // Reached at 10:15, reset at 11:00: 0.75 h at the cap; 30 more were refused.
      {
        hitAt: new Date('2026-03-16T10:15:00Z'),
        windowEnd: new Date('2026-03-16T11:00:00Z'),
        peak: d(100),
        refused: d(30),
      },
      {
        hitAt: new Date('2026-03-16T14:50:00Z'),
        windowEnd: new Date('2026-03-16T15:00:00Z'),
        peak: d(110),
        refused: d(0),
      },
    ]);
    // 0.75 + 0.1666… = 0.92 hours; busiest: 100 + 30.
    expect(pressure).toEqual({ capsHit: 2, hoursThrottled: d('0.92'), peakDemand: d(130) });
  });

  it('holds a peak with a quota of the same window at least as large, or none at all', () => {
    const quota = { meterId: 'm', window: 'hour', alignment: 'calendar' };
    const plan = (quantity: number) => [{ ...quota, quantity: d(quantity) }];
    expect(quotasHold(plan(1000), quota, d(130))).toBe(true);
    expect(quotasHold(plan(100), quota, d(130))).toBe(false);
    expect(quotasHold([{ ...quota, window: 'day', quantity: d(1) }], quota, d(130))).toBe(true);
    expect(quotasHold([], quota, d(130))).toBe(true);
  });
});
