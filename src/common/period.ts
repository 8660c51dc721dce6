/**
 * Calendar arithmetic for billing periods and service intervals, in UTC.
 *
 * A series of intervals is an anchor and a cadence: interval k is
 * [addCalendar(anchor, cadence, k), addCalendar(anchor, cadence, k + 1)), half-open,
 * so consecutive intervals tile time without gaps or overlaps. Every boundary is
 * computed from the anchor, never from the previous boundary, so month-end anchors
 * do not drift (Jan 31 → Feb 28 → Mar 31, not Mar 28).
 */

export type CalendarUnit = 'hour' | 'day' | 'week' | 'month' | 'quarter' | 'year';

/** A calendar step, e.g. `{ unit: 'month', count: 1 }`; `count` is a positive integer. */
export interface Cadence {
  unit: CalendarUnit;
  count: number;
}

/** A half-open time interval [start, end). */
export interface Interval {
  start: Date;
  end: Date;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * The average Gregorian month (365.2425 days / 12), used only to compare cadences
 * of different kinds: 30 days is not longer than a month, 31 days is.
 */
const AVERAGE_MONTH_MS = 2_629_746_000;

/** UTC has no daylight saving time, so hours, days and weeks have a fixed length. */
type Step = { kind: 'fixed'; ms: number } | { kind: 'months'; months: number };

const UNIT_STEP: Readonly<Record<CalendarUnit, Step>> = {
  hour: { kind: 'fixed', ms: HOUR_MS },
  day: { kind: 'fixed', ms: DAY_MS },
  week: { kind: 'fixed', ms: 7 * DAY_MS },
  month: { kind: 'months', months: 1 },
  quarter: { kind: 'months', months: 3 },
  year: { kind: 'months', months: 12 },
};

/** True for month, quarter and year: the cadences that fall on a day of the month. */
export function isMonthBased(cadence: Cadence): boolean {
  return UNIT_STEP[cadence.unit].kind === 'months';
}

/**
 * The `times`-th boundary after `anchor` (negative `times` go backwards).
 * Month, quarter and year boundaries keep the anchor's time of day and fall on
 * `dayOfMonth` (default: the anchor's day), clamped to the month's length.
 * A `dayOfMonth` other than the anchor's serves anchors already clamped, e.g. an
 * anchor of Feb 28 for "the 31st of every month"; it is ignored for hours, days and weeks.
 */
export function addCalendar(
  anchor: Date,
  cadence: Cadence,
  times: number,
  dayOfMonth: number = anchor.getUTCDate(),
): Date {
  assertInteger(times, 'times');
  const step = stepOf(cadence);
  if (step.kind === 'fixed') return new Date(anchor.getTime() + times * step.ms);
  assertAnchorOnDay(anchor, dayOfMonth);
  return dateInMonth(monthNumber(anchor) + times * step.months, dayOfMonth, timeOfDayMs(anchor));
}

/**
 * The interval of the series anchored at `anchor` that contains `at`.
 * Throws a RangeError when `at` is before the anchor: a series has no interval
 * before its first one, and asking for one is a caller's bug.
 */
export function intervalContaining(
  anchor: Date,
  cadence: Cadence,
  at: Date,
  dayOfMonth: number = anchor.getUTCDate(),
): Interval {
  if (at < anchor) {
    throw new RangeError(`${at.toISOString()} is before the series anchor ${anchor.toISOString()}`);
  }
  return intervalAt(anchor, cadence, indexContaining(anchor, cadence, at, dayOfMonth), dayOfMonth);
}

/** The intervals of the series that overlap [from, to), in order; none before the anchor. */
export function intervalsBetween(
  anchor: Date,
  cadence: Cadence,
  from: Date,
  to: Date,
  dayOfMonth: number = anchor.getUTCDate(),
): Interval[] {
  const first = from > anchor ? from : anchor;
  if (to <= first) return [];
  const intervals: Interval[] = [];
  let index = indexContaining(anchor, cadence, first, dayOfMonth);
  for (;;) {
    const interval = intervalAt(anchor, cadence, index, dayOfMonth);
    if (interval.start >= to) return intervals;
    intervals.push(interval);
    index += 1;
  }
}

/**
 * Whether `a` is nominally longer than `b` (a month counts as an average
 * Gregorian month): 5 months is not longer than a year, a week is not longer
 * than a month, 31 days is. Equal lengths (12 months and a year) are not longer.
 */
export function isLongerThan(a: Cadence, b: Cadence): boolean {
  return nominalLengthMs(a) > nominalLengthMs(b);
}

/** As people read it in messages: "1 month", "3 weeks". */
export function describeCadence(cadence: Cadence): string {
  return `${cadence.count} ${cadence.unit}${cadence.count === 1 ? '' : 's'}`;
}

/**
 * The first instant at or after `start` that is 00:00 UTC on `anchorDay` of a
 * month, clamped to the month's length (anchor day 31 in February is the 28th/29th).
 */
export function alignToAnchorDay(start: Date, anchorDay: number): Date {
  assertDayOfMonth(anchorDay);
  const sameMonth = dateInMonth(monthNumber(start), anchorDay, 0);
  return sameMonth >= start ? sameMonth : dateInMonth(monthNumber(start) + 1, anchorDay, 0);
}

function intervalAt(anchor: Date, cadence: Cadence, index: number, dayOfMonth: number): Interval {
  return {
    start: addCalendar(anchor, cadence, index, dayOfMonth),
    end: addCalendar(anchor, cadence, index + 1, dayOfMonth),
  };
}

/**
 * Estimates the index from the elapsed time (exact for fixed steps; for months,
 * off by at most one because of the day and time within the month), then
 * corrects it, so far instants cost no more than near ones.
 */
function indexContaining(anchor: Date, cadence: Cadence, at: Date, dayOfMonth: number): number {
  let index = estimateIndex(anchor, stepOf(cadence), at);
  while (addCalendar(anchor, cadence, index, dayOfMonth) > at) index -= 1;
  while (addCalendar(anchor, cadence, index + 1, dayOfMonth) <= at) index += 1;
  return index;
}

function estimateIndex(anchor: Date, step: Step, at: Date): number {
  const elapsedSteps =
    step.kind === 'fixed'
      ? (at.getTime() - anchor.getTime()) / step.ms
      : (monthNumber(at) - monthNumber(anchor)) / step.months;
  return Math.floor(elapsedSteps);
}

function nominalLengthMs(cadence: Cadence): number {
  const step = stepOf(cadence);
  return step.kind === 'fixed' ? step.ms : step.months * AVERAGE_MONTH_MS;
}

function stepOf(cadence: Cadence): Step {
  if (!Number.isSafeInteger(cadence.count) || cadence.count < 1) {
    throw new RangeError(`a cadence count must be a positive integer, got ${cadence.count}`);
  }
  const unitStep = UNIT_STEP[cadence.unit];
  return unitStep.kind === 'fixed'
    ? { kind: 'fixed', ms: unitStep.ms * cadence.count }
    : { kind: 'months', months: unitStep.months * cadence.count };
}

/** Months since year 0: year * 12 + month (0-based), so month arithmetic is integer addition. */
function monthNumber(date: Date): number {
  return date.getUTCFullYear() * 12 + date.getUTCMonth();
}

/** The date on `dayOfMonth` (clamped) of the given month number, at `timeOfDay` ms after midnight. */
function dateInMonth(month: number, dayOfMonth: number, timeOfDay: number): Date {
  const year = Math.floor(month / 12);
  const monthOfYear = month - year * 12;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(year, monthOfYear, Math.min(dayOfMonth, daysInMonth(year, monthOfYear)));
  return new Date(date.getTime() + timeOfDay);
}

function daysInMonth(year: number, monthOfYear: number): number {
  const isLeapYear = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return [31, isLeapYear ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][monthOfYear];
}

/** UTC days are exactly DAY_MS long (JS dates ignore leap seconds). */
function timeOfDayMs(date: Date): number {
  return ((date.getTime() % DAY_MS) + DAY_MS) % DAY_MS;
}

function assertAnchorOnDay(anchor: Date, dayOfMonth: number): void {
  assertDayOfMonth(dayOfMonth);
  const clampedDay = Math.min(
    dayOfMonth,
    daysInMonth(anchor.getUTCFullYear(), anchor.getUTCMonth()),
  );
  if (anchor.getUTCDate() !== clampedDay) {
    throw new RangeError(`anchor ${anchor.toISOString()} is not on day ${dayOfMonth} of its month`);
  }
}

function assertDayOfMonth(day: number): void {
  if (!Number.isInteger(day) || day < 1 || day > 31) {
    throw new RangeError(`a day of the month must be an integer from 1 to 31, got ${day}`);
  }
}

function assertInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`${name} must be an integer, got ${value}`);
  }
}
