import { wholeMonthsWithin } from './whole-months';

const at = (iso: string) => new Date(iso);
const months = (start: string, end: string) => {
  const { start: from, end: to } = wholeMonthsWithin({ start: at(start), end: at(end) });
  return [from.toISOString(), to.toISOString()];
};

describe('wholeMonthsWithin', () => {
  it('is the interval itself when it is a calendar month', () => {
    expect(months('2026-02-01T00:00:00Z', '2026-03-01T00:00:00Z')).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
  });

  it('keeps several months, across a year end', () => {
    expect(months('2025-12-01T00:00:00Z', '2026-03-01T00:00:00Z')).toEqual([
      '2025-12-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
  });

  it('leaves the hours before the first and after the last whole month out', () => {
    expect(months('2026-01-15T10:00:00Z', '2026-04-15T10:00:00Z')).toEqual([
      '2026-02-01T00:00:00.000Z',
      '2026-04-01T00:00:00.000Z',
    ]);
  });

  it('is empty at the interval end when no whole month fits: an anniversary month', () => {
    expect(months('2026-01-15T10:00:00Z', '2026-02-15T10:00:00Z')).toEqual([
      '2026-02-15T10:00:00.000Z',
      '2026-02-15T10:00:00.000Z',
    ]);
  });

  it('is empty for part of one month, one hour short of the month included', () => {
    expect(months('2026-02-01T00:00:00Z', '2026-02-28T23:00:00Z')).toEqual([
      '2026-02-28T23:00:00.000Z',
      '2026-02-28T23:00:00.000Z',
    ]);
    expect(months('2026-02-01T01:00:00Z', '2026-03-01T00:00:00Z')).toEqual([
      '2026-03-01T00:00:00.000Z',
      '2026-03-01T00:00:00.000Z',
    ]);
  });
});
