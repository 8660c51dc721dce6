import { ScheduleInput } from '../common/billing-schedule';
import {
  changeInEffect,
  nextPeriodStart,
  pendingChange,
  PlanChange,
  versionInEffect,
} from './plan-changes';

const at = (iso: string) => new Date(iso);
const toV2: PlanChange = { planVersionId: 'v2', effectiveAt: at('2026-04-01T00:00:00Z') };
const toV3: PlanChange = { planVersionId: 'v3', effectiveAt: at('2026-06-01T00:00:00Z') };

describe('versionInEffect', () => {
  it("keeps the subscription's own version without changes", () => {
    expect(versionInEffect('v1', [], at('2026-05-01T00:00:00Z'))).toBe('v1');
  });

  it('keeps the own version until the first change, whose boundary is inclusive', () => {
    expect(versionInEffect('v1', [toV2], at('2026-03-01T00:00:00Z'))).toBe('v1');
    expect(versionInEffect('v1', [toV2], at('2026-03-31T23:59:59.999Z'))).toBe('v1');
    expect(versionInEffect('v1', [toV2], at('2026-04-01T00:00:00Z'))).toBe('v2');
  });

  it('takes the latest change at or before the instant, whatever the order of the list', () => {
    for (const changes of [
      [toV2, toV3],
      [toV3, toV2],
    ]) {
      expect(versionInEffect('v1', changes, at('2026-05-01T00:00:00Z'))).toBe('v2');
      expect(versionInEffect('v1', changes, at('2026-06-01T00:00:00Z'))).toBe('v3');
      expect(versionInEffect('v1', changes, at('2027-01-01T00:00:00Z'))).toBe('v3');
    }
  });
});

describe('changeInEffect and pendingChange', () => {
  it('split the changes at now: in effect at or before it, pending strictly after', () => {
    const now = at('2026-04-01T00:00:00Z');
    expect(changeInEffect([toV3, toV2], now)).toBe(toV2);
    expect(pendingChange([toV3, toV2], now)).toBe(toV3);
  });

  it('pick the earliest of several pending changes, and none when all have passed', () => {
    expect(pendingChange([toV3, toV2], at('2026-03-15T00:00:00Z'))).toBe(toV2);
    expect(pendingChange([toV3, toV2], at('2026-06-01T00:00:00Z'))).toBeNull();
    expect(changeInEffect([toV3, toV2], at('2026-03-15T00:00:00Z'))).toBeNull();
  });
});

describe('nextPeriodStart', () => {
  const monthly: ScheduleInput = {
    subscriptionStart: at('2026-01-15T00:00:00Z'),
    subscriptionEnd: null,
    billingCadence: { unit: 'month', count: 1 },
    serviceInterval: { unit: 'month', count: 1 },
  };
  const iso = (date: Date | null) => date?.toISOString() ?? null;

  it('is the end of the billing period that contains now', () => {
    expect(iso(nextPeriodStart(monthly, at('2026-03-20T08:00:00Z')))).toBe(
      '2026-04-15T00:00:00.000Z',
    );
  });

  it('is the following boundary when now is exactly on one (that period has begun)', () => {
    expect(iso(nextPeriodStart(monthly, at('2026-03-15T00:00:00Z')))).toBe(
      '2026-04-15T00:00:00.000Z',
    );
  });

  it('follows the anchor day and the cadence', () => {
    const quarterlyOnThe1st = {
      ...monthly,
      billingCadence: { unit: 'quarter' as const, count: 1 },
      anchorDay: 1,
    };
    // a short first period up to Feb 1, then quarters from Feb 1
    expect(iso(nextPeriodStart(quarterlyOnThe1st, at('2026-01-20T00:00:00Z')))).toBe(
      '2026-02-01T00:00:00.000Z',
    );
    expect(iso(nextPeriodStart(quarterlyOnThe1st, at('2026-03-20T00:00:00Z')))).toBe(
      '2026-05-01T00:00:00.000Z',
    );
  });

  it('is the start of a subscription that has not started yet', () => {
    expect(iso(nextPeriodStart(monthly, at('2026-01-01T00:00:00Z')))).toBe(
      '2026-01-15T00:00:00.000Z',
    );
  });

  it('is null when no billing period starts after now', () => {
    const ending = { ...monthly, subscriptionEnd: at('2026-04-15T00:00:00Z') };
    expect(iso(nextPeriodStart(ending, at('2026-03-20T00:00:00Z')))).toBeNull();
    expect(iso(nextPeriodStart(ending, at('2026-02-20T00:00:00Z')))).toBe(
      '2026-03-15T00:00:00.000Z',
    );
    const cutShort = { ...monthly, subscriptionEnd: at('2026-04-01T00:00:00Z') };
    expect(iso(nextPeriodStart(cutShort, at('2026-03-20T00:00:00Z')))).toBeNull();
    expect(iso(nextPeriodStart(ending, at('2026-05-01T00:00:00Z')))).toBeNull();
  });
});
