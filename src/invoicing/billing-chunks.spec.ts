import { Decimal } from '../common/decimal';
import { BillableSubscription } from './billable-subscription';
import { chunksOf, nextPeriods } from './billing-chunks';

function monthly(id: string, start: string, end: string | null = null): BillableSubscription {
  return {
    id,
    customerId: `customer-${id}`,
    customerExternalId: id,
    currency: 'USD',
    taxRate: new Decimal(0),
    start: new Date(start),
    end: end === null ? null : new Date(end),
    billingCadence: { unit: 'month', count: 1 },
    anchorDay: null,
    planVersionId: 'version',
    planChanges: [],
    licenceQuantities: new Map(),
  };
}

describe('chunksOf', () => {
  it('cuts a list into chunks of the size, the last one shorter', () => {
    expect(chunksOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunksOf([], 3)).toEqual([]);
  });
});

describe('nextPeriods', () => {
  const billedUntil = new Date('2026-04-01T00:00:00Z');

  it('answers the first due period of each subscription, and whether more are due', () => {
    const fresh = monthly('a', '2026-02-01T00:00:00Z');
    const caughtUp = monthly('b', '2026-03-01T00:00:00Z');
    const billed = monthly('c', '2026-03-01T00:00:00Z');
    const periods = nextPeriods(
      [fresh, caughtUp, billed],
      new Map([['c', new Date('2026-04-01T00:00:00Z')]]),
      billedUntil,
    );
    expect(
      periods.map(({ subscription, period, moreDue }) => [
        subscription.id,
        period.start.toISOString(),
        moreDue,
      ]),
    ).toEqual([
      ['a', '2026-02-01T00:00:00.000Z', true],
      ['b', '2026-03-01T00:00:00.000Z', false],
    ]);
  });

  it('leaves out an ended subscription invoiced up to its end', () => {
    const ended = monthly('d', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z');
    expect(
      nextPeriods([ended], new Map([['d', new Date('2026-02-01T00:00:00Z')]]), billedUntil),
    ).toEqual([]);
  });
});
