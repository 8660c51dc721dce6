import { currentServiceInterval } from '../common/billing-schedule';
import { Decimal } from '../common/decimal';
import { alignToHours } from '../common/hour-alignment';
import {
  bucketRanges,
  calendarWindow,
  rollingLengthMs,
  rollingResetsAt,
  standing,
  windowAt,
} from './quota-window';

const at = (iso: string) => new Date(iso);
const iso = (interval: { start: Date; end: Date } | null) =>
  interval && { start: interval.start.toISOString(), end: interval.end.toISOString() };

describe('calendar windows', () => {
  it('is the UTC hour containing the instant, start included, end excluded', () => {
    expect(iso(calendarWindow('hour', at('2026-03-15T12:59:59.999Z')))).toEqual({
      start: '2026-03-15T12:00:00.000Z',
      end: '2026-03-15T13:00:00.000Z',
    });
    expect(iso(calendarWindow('hour', at('2026-03-15T13:00:00Z')))?.start).toBe(
      '2026-03-15T13:00:00.000Z',
    );
  });

  it('is the UTC day, across a month end and a leap day', () => {
    expect(iso(calendarWindow('day', at('2026-01-31T23:30:00Z')))).toEqual({
      start: '2026-01-31T00:00:00.000Z',
      end: '2026-02-01T00:00:00.000Z',
    });
    expect(iso(calendarWindow('day', at('2028-02-29T10:00:00Z')))?.end).toBe(
      '2028-03-01T00:00:00.000Z',
    );
  });

  it('is the ISO week from Monday 00:00 UTC, across a month and a year end', () => {
    // 2026-03-15 is a Sunday: its week began on Monday the 9th.
    expect(iso(calendarWindow('week', at('2026-03-15T23:59:00Z')))).toEqual({
      start: '2026-03-09T00:00:00.000Z',
      end: '2026-03-16T00:00:00.000Z',
    });
    // 2026-01-01 is a Thursday: its week began on Monday 2025-12-29.
    expect(iso(calendarWindow('week', at('2026-01-01T00:00:00Z')))?.start).toBe(
      '2025-12-29T00:00:00.000Z',
    );
    // A week before the epoch Monday works the same way (1970-01-01 was a Thursday).
    expect(iso(calendarWindow('week', at('1970-01-01T00:00:00Z')))?.start).toBe(
      '1969-12-29T00:00:00.000Z',
    );
  });

  it('is the service interval for interval quotas, month ends included', () => {
    // Anchored on the 31st: February's interval ends on the 28th, March's on the 31st.
    const schedule = alignToHours({
      subscriptionStart: at('2026-01-31T00:00:00Z'),
      subscriptionEnd: null,
      billingCadence: { unit: 'month', count: 1 },
      serviceInterval: { unit: 'month', count: 1 },
    });
    const now = at('2026-03-01T05:00:00Z');
    const interval = schedule && currentServiceInterval(schedule, now);
    expect(iso(windowAt({ window: 'interval', alignment: 'calendar' }, now, interval))).toEqual({
      start: '2026-02-28T00:00:00.000Z',
      end: '2026-03-31T00:00:00.000Z',
    });
    expect(windowAt({ window: 'interval', alignment: 'calendar' }, now, null)).toBeNull();
  });
});

describe('rolling windows', () => {
  it('is the current hour and the 23 hours before it for a day', () => {
    expect(
      iso(windowAt({ window: 'day', alignment: 'rolling' }, at('2026-03-01T05:20:00Z'), null)),
    ).toEqual({ start: '2026-02-28T06:00:00.000Z', end: '2026-03-01T06:00:00.000Z' });
  });

  it('is the current hour and the 167 before it for a week', () => {
    expect(
      iso(windowAt({ window: 'week', alignment: 'rolling' }, at('2026-03-15T12:00:00Z'), null)),
    ).toEqual({ start: '2026-03-08T13:00:00.000Z', end: '2026-03-15T13:00:00.000Z' });
  });

  it('slides by its length only when rolling', () => {
    expect(rollingLengthMs({ window: 'day', alignment: 'rolling' })).toBe(86_400_000);
    expect(rollingLengthMs({ window: 'week', alignment: 'rolling' })).toBe(604_800_000);
    expect(rollingLengthMs({ window: 'day', alignment: 'calendar' })).toBeNull();
    expect(rollingLengthMs({ window: 'interval', alignment: 'calendar' })).toBeNull();
  });

  const hour = (start: string, quantity: number) => ({
    hourStart: at(start),
    quantity: new Decimal(quantity),
  });
  const DAY = 86_400_000;

  it('gives room back when enough of the oldest usage has slid out', () => {
    // 100 used of 100: when the 30 of 02:00 leave (02:00 next day), 70 < 100 is left.
    const used = [hour('2026-03-01T02:00:00Z', 30), hour('2026-03-01T05:00:00Z', 70)];
    expect(rollingResetsAt(used, DAY, new Decimal(100), at('2026-03-01T09:10:00Z'))).toEqual(
      at('2026-03-02T02:00:00Z'),
    );
    // With 140 used of 100, the 30 leaving is not enough: 110 ≥ 100 until 05:00's 70 leave too.
    const over = [...used, hour('2026-03-01T08:00:00Z', 40)];
    expect(rollingResetsAt(over, DAY, new Decimal(100), at('2026-03-01T09:10:00Z'))).toEqual(
      at('2026-03-02T05:00:00Z'),
    );
  });

  it('slides at the next hour when nothing was used', () => {
    expect(rollingResetsAt([], DAY, new Decimal(5), at('2026-03-01T09:10:00Z'))).toEqual(
      at('2026-03-01T10:00:00Z'),
    );
  });
});

describe('bucket ranges', () => {
  const ranges = (start: string, end: string) =>
    bucketRanges({ start: at(start), end: at(end) }).map((range) => [
      range.granularity,
      range.from.toISOString(),
      range.to.toISOString(),
    ]);

  it('reads an hour window from one hour bucket', () => {
    expect(ranges('2026-03-15T12:00:00Z', '2026-03-15T13:00:00Z')).toEqual([
      ['hour', '2026-03-15T12:00:00.000Z', '2026-03-15T13:00:00.000Z'],
    ]);
  });

  it('reads a calendar day from its day bucket', () => {
    expect(ranges('2026-03-15T00:00:00Z', '2026-03-16T00:00:00Z')).toEqual([
      ['day', '2026-03-15T00:00:00.000Z', '2026-03-16T00:00:00.000Z'],
    ]);
  });

  it('reads a rolling day that holds no whole UTC day from hour buckets', () => {
    expect(ranges('2026-02-28T06:00:00Z', '2026-03-01T06:00:00Z')).toEqual([
      ['hour', '2026-02-28T06:00:00.000Z', '2026-03-01T06:00:00.000Z'],
    ]);
  });

  it('reads a month interval anchored mid-day as days with hour edges', () => {
    expect(ranges('2026-01-31T09:00:00Z', '2026-02-28T09:00:00Z')).toEqual([
      ['hour', '2026-01-31T09:00:00.000Z', '2026-02-01T00:00:00.000Z'],
      ['day', '2026-02-01T00:00:00.000Z', '2026-02-28T00:00:00.000Z'],
      ['hour', '2026-02-28T00:00:00.000Z', '2026-02-28T09:00:00.000Z'],
    ]);
  });
});

describe('standing', () => {
  const d = (value: number) => new Decimal(value);

  it('allows a hard quota until usage reaches it, then refuses', () => {
    expect(standing('hard', d(10000), d(9999), false)).toEqual({
      used: d(9999),
      remaining: d(1),
      allowed: true,
      exceeded: false,
    });
    expect(standing('hard', d(10000), d(10000), false)).toMatchObject({
      remaining: d(0),
      allowed: false,
      exceeded: true,
    });
  });

  it('flags a soft quota without refusing', () => {
    expect(standing('soft', d(100), d(150), false)).toMatchObject({
      remaining: d(0),
      allowed: true,
      exceeded: true,
    });
  });

  it('lets credit pay past a hard quota', () => {
    expect(standing('hard', d(100), d(100), true)).toMatchObject({ allowed: true, exceeded: true });
  });

  it('applies a quota changed mid-window to the usage already in the window', () => {
    // 8 000 used this hour; the quota drops from 10 000 to 5 000: nothing left, refused.
    expect(standing('hard', d(5000), d(8000), false)).toMatchObject({
      remaining: d(0),
      allowed: false,
    });
    // Raised to 12 000 instead: the 4 000 difference is available at once.
    expect(standing('hard', d(12000), d(8000), false)).toMatchObject({
      remaining: d(4000),
      allowed: true,
    });
  });
});
