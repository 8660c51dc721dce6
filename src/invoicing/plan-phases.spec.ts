import { ScheduleInput } from '../common/billing-schedule';
import { Decimal } from '../common/decimal';
import { roundToMinorUnit } from '../common/money';
import { Interval } from '../common/period';
import { PlanChange } from '../customers/plan-changes';
import {
  licenceQuantityAt,
  midPeriodBoundaries,
  phasedLicences,
  phasedUsage,
  PlanHistory,
  splitAt,
} from './plan-phases';

const at = (iso: string) => new Date(iso);
const span = ({ start, end }: Interval) =>
  `${start.toISOString().slice(5, 13)}..${end.toISOString().slice(5, 13)}`;
const april = { start: at('2026-04-01T00:00:00Z'), end: at('2026-05-01T00:00:00Z') };
const monthly: ScheduleInput = {
  subscriptionStart: at('2026-03-01T00:00:00Z'),
  subscriptionEnd: null,
  billingCadence: { unit: 'month', count: 1 },
  serviceInterval: { unit: 'month', count: 1 },
};
const now = (iso: string, planVersionId = 'pro'): PlanChange => ({
  planVersionId,
  effectiveAt: at(iso),
  midPeriod: true,
});
const history = (...planChanges: PlanChange[]): PlanHistory => ({
  planVersionId: 'basic',
  planChanges,
});

describe('splitAt', () => {
  it('cuts at boundaries strictly inside, leaving an interval without any whole', () => {
    expect(splitAt(april, [at('2026-04-11T00:00:00Z'), april.start]).map(span)).toEqual([
      '04-01T00..04-11T00',
      '04-11T00..05-01T00',
    ]);
    expect(splitAt(april, [at('2026-05-02T00:00:00Z')]).map(span)).toEqual(['04-01T00..05-01T00']);
  });

  it('takes only changes now as boundaries', () => {
    const boundary: PlanChange = { planVersionId: 'pro', effectiveAt: april.start };
    expect(midPeriodBoundaries([boundary, now('2026-04-11T00:00:00Z')])).toEqual([
      at('2026-04-11T00:00:00Z'),
    ]);
  });
});

describe('phasedLicences', () => {
  it('prorates an upgrade on April 11 by time: 10 of 30 days on the old fee, 20 on the new', () => {
    const parts = phasedLicences(history(now('2026-04-11T00:00:00Z')), monthly, april);
    expect(
      parts.map((part) => [span(part), part.planVersionId, part.prorationFactor.toFixed(4)]),
    ).toEqual([
      ['04-01T00..04-11T00', 'basic', '0.3333'],
      ['04-11T00..05-01T00', 'pro', '0.6667'],
    ]);
    // A 30.00 fee before and a 90.00 fee after: 30.00 × 10/30 = 10.00 and 90.00 × 20/30 = 60.00.
    const [before, after] = parts;
    expect(
      roundToMinorUnit(new Decimal('30.00').times(before.prorationFactor), 'USD').toFixed(2),
    ).toBe('10.00');
    expect(
      roundToMinorUnit(new Decimal('90.00').times(after.prorationFactor), 'USD').toFixed(2),
    ).toBe('60.00');
  });

  it('prorates by the hour: a change at 13:00 on April 11 leaves 10 days 13 hours on the old fee', () => {
    const [before] = phasedLicences(history(now('2026-04-11T13:00:00Z')), monthly, april);
    // (10 × 24 + 13) / (30 × 24) = 253/720 → 30.00 × 253/720 = 10.541666… → 10.54
    expect(before.prorationFactor.equals(new Decimal(253).div(720))).toBe(true);
    expect(
      roundToMinorUnit(new Decimal('30.00').times(before.prorationFactor), 'USD').toFixed(2),
    ).toBe('10.54');
  });

  it('bills the part from a change in the period of the change, the part before in the period it starts in', () => {
    // Weekly intervals in monthly periods from March 15: the week April 12–19 straddles April 15.
    const weekly: ScheduleInput = {
      ...monthly,
      subscriptionStart: at('2026-03-15T00:00:00Z'),
      serviceInterval: { unit: 'week', count: 1 },
    };
    const changed = history(now('2026-04-16T00:00:00Z'));
    const toApril15 = phasedLicences(changed, weekly, {
      start: at('2026-03-15T00:00:00Z'),
      end: at('2026-04-15T00:00:00Z'),
    });
    expect(
      toApril15
        .slice(-1)
        .map((part) => [span(part), part.planVersionId, part.prorationFactor.toFixed(4)]),
    ).toEqual([['04-12T00..04-16T00', 'basic', '0.5714']]);
    const toMay15 = phasedLicences(changed, weekly, {
      start: at('2026-04-15T00:00:00Z'),
      end: at('2026-05-15T00:00:00Z'),
    });
    // 3 of 7 days on the new fee, then whole weeks.
    expect(
      toMay15
        .slice(0, 2)
        .map((part) => [span(part), part.planVersionId, part.prorationFactor.toFixed(4)]),
    ).toEqual([
      ['04-16T00..04-19T00', 'pro', '0.4286'],
      ['04-19T00..04-26T00', 'pro', '1.0000'],
    ]);
  });

  it('leaves a period without changes now as the schedule bills it', () => {
    const boundary: PlanChange = { planVersionId: 'pro', effectiveAt: april.start };
    expect(
      phasedLicences(history(boundary), monthly, april).map((part) => [
        span(part),
        part.planVersionId,
      ]),
    ).toEqual([['04-01T00..05-01T00', 'pro']]);
  });
});

describe('phasedUsage', () => {
  it('rates usage before the change on the old version and after it on the new one', () => {
    expect(
      phasedUsage(history(now('2026-04-11T13:00:00Z')), april, [april]).map((part) => [
        span(part),
        part.planVersionId,
      ]),
    ).toEqual([
      ['04-01T00..04-11T13', 'basic'],
      ['04-11T13..05-01T00', 'pro'],
    ]);
  });

  it('prices usage carried in from before the period on the version in effect at the period start', () => {
    const carried = { start: at('2026-03-29T00:00:00Z'), end: at('2026-04-05T00:00:00Z') };
    const boundary: PlanChange = { planVersionId: 'pro', effectiveAt: april.start };
    expect(
      phasedUsage(history(boundary), april, [carried]).map((part) => part.planVersionId),
    ).toEqual(['pro']);
  });
});

describe('licenceQuantityAt', () => {
  const subscription = {
    licenceQuantities: new Map([['seats', new Decimal(2)]]),
    licenceChanges: [
      {
        billableItemId: 'seats',
        quantity: new Decimal(5),
        effectiveAt: at('2026-04-16T00:00:00Z'),
      },
      {
        billableItemId: 'seats',
        quantity: new Decimal(3),
        effectiveAt: at('2026-04-20T00:00:00Z'),
      },
    ],
  };

  it('takes the latest quantity changed by then, else the one subscribed, else 1', () => {
    expect(licenceQuantityAt(subscription, 'seats', at('2026-04-01T00:00:00Z')).toFixed()).toBe(
      '2',
    );
    expect(licenceQuantityAt(subscription, 'seats', at('2026-04-16T00:00:00Z')).toFixed()).toBe(
      '5',
    );
    expect(licenceQuantityAt(subscription, 'seats', at('2026-04-25T00:00:00Z')).toFixed()).toBe(
      '3',
    );
    expect(licenceQuantityAt(subscription, 'platform', at('2026-04-25T00:00:00Z')).toFixed()).toBe(
      '1',
    );
  });
});
