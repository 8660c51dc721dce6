import { ScheduleInput } from './billing-schedule';
import { alignToHours, isWholeHour, startOfHour } from './hour-alignment';

const schedule = (start: string, end: string | null): ScheduleInput => ({
  subscriptionStart: new Date(start),
  subscriptionEnd: end === null ? null : new Date(end),
  billingCadence: { unit: 'month', count: 1 },
  serviceInterval: { unit: 'day', count: 1 },
});

describe('hour alignment', () => {
  it('floors to the UTC hour', () => {
    expect(startOfHour(new Date('2026-03-04T10:59:59.999Z')).toISOString()).toBe(
      '2026-03-04T10:00:00.000Z',
    );
    expect(isWholeHour(new Date('2026-03-04T10:00:00Z'))).toBe(true);
    expect(isWholeHour(new Date('2026-03-04T10:00:00.001Z'))).toBe(false);
  });

  it('floors both ends of a subscription, so a replacing subscription owns the hour of the change', () => {
    const aligned = alignToHours(schedule('2026-03-04T10:30:00Z', '2026-03-20T15:45:00Z'));
    expect(aligned?.subscriptionStart.toISOString()).toBe('2026-03-04T10:00:00.000Z');
    expect(aligned?.subscriptionEnd?.toISOString()).toBe('2026-03-20T15:00:00.000Z');
    expect(
      alignToHours(schedule('2026-03-20T15:45:00Z', null))?.subscriptionStart.toISOString(),
    ).toBe('2026-03-20T15:00:00.000Z');
  });

  it('gives no schedule to a subscription within a single hour', () => {
    expect(alignToHours(schedule('2026-03-04T10:10:00Z', '2026-03-04T10:50:00Z'))).toBeNull();
  });
});
