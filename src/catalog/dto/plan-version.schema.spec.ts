import { Decimal } from '../../common/decimal';
import { parseInput } from '../../common/validation';
import { fieldProblemsOf } from '../testing/field-problems';
import { createPlanVersionSchema } from './plan-version.schema';

const problemsOf = (input: unknown) => fieldProblemsOf(createPlanVersionSchema, input);

describe('plan version schema', () => {
  it('defaults to a live, monthly, empty version', () => {
    expect(parseInput(createPlanVersionSchema, {})).toEqual({
      live: true,
      serviceInterval: { unit: 'month', count: 1 },
      rates: [],
      licenceFees: [],
      creditGrants: [],
      limits: [],
      commitment: null,
      prepaidBlocks: [],
    });
  });

  it('parses every section', () => {
    const parsed = parseInput(createPlanVersionSchema, {
      live: false,
      serviceInterval: { unit: 'day', count: 7 },
      rates: [{ billableItem: 'tokens', rate: { model: 'per_unit', unitAmount: '0.01' } }],
      licenceFees: [{ billableItem: 'seats', unitAmount: '0' }],
      creditGrants: [
        {
          name: 'Monthly credit',
          amount: '10.00',
          appliesTo: ['tokens'],
          expiresAfterIntervals: 1,
        },
      ],
      limits: [{ meter: 'llm_tokens', quantity: 1000000 }],
      commitment: { amount: '100.00', prepaid: true },
      prepaidBlocks: [
        { billableItem: 'tokens', tiers: [{ units: 1000000, price: '10' }], validForDays: 90 },
      ],
    });
    expect(parsed).toEqual({
      live: false,
      serviceInterval: { unit: 'day', count: 7 },
      rates: [
        { billableItem: 'tokens', rate: { model: 'per_unit', unitAmount: new Decimal('0.01') } },
      ],
      licenceFees: [{ billableItem: 'seats', unitAmount: new Decimal(0) }],
      creditGrants: [
        {
          name: 'Monthly credit',
          amount: new Decimal(10),
          appliesTo: ['tokens'],
          expiresAfterIntervals: 1,
          rollover: null,
        },
      ],
      limits: [{ meter: 'llm_tokens', quantity: new Decimal(1000000) }],
      commitment: { amount: new Decimal(100), interval: 'service_interval', prepaid: true },
      prepaidBlocks: [
        {
          billableItem: 'tokens',
          tiers: [{ units: new Decimal(1000000), price: new Decimal(10) }],
          validForDays: 90,
        },
      ],
    });
  });

  it('refuses a commitment without rates, of no amount, or over an unknown interval', () => {
    expect(problemsOf({ commitment: { amount: '10' } })).toEqual([
      {
        field: 'commitment',
        problem: 'needs at least one rate: a commitment is a minimum spend across the usage rates',
      },
    ]);
    const rates = [{ billableItem: 'x', rate: { model: 'per_unit', unitAmount: '1' } }];
    expect(problemsOf({ rates, commitment: { amount: '0' } })).toEqual([
      { field: 'commitment.amount', problem: 'must be greater than 0' },
    ]);
    expect(problemsOf({ rates, commitment: { amount: '1', interval: 'month' } })).toEqual([
      { field: 'commitment.interval', problem: 'must be one of service_interval, billing_period' },
    ]);
  });

  it.each([
    [
      { serviceInterval: { unit: 'minute', count: 1 } },
      'serviceInterval.unit',
      'must be one of hour, day, week, month, quarter, year',
    ],
    [
      { serviceInterval: { unit: 'day', count: 1.5 } },
      'serviceInterval.count',
      'must be a whole number',
    ],
    [{ serviceInterval: { unit: 'day' } }, 'serviceInterval.count', 'must be a whole number'],
    [{ rates: {} }, 'rates', 'must be a list of rates'],
    [
      { rates: [{ billableItem: 'x', rate: { model: 'per_unit', unitAmount: '1' }, note: 'y' }] },
      'rates[0].note',
      'is not a known field',
    ],
    [
      { licenceFees: [{ billableItem: 'seats', unitAmount: '-49' }] },
      'licenceFees[0].unitAmount',
      'must not be negative',
    ],
    [
      { creditGrants: [{ name: 'c', amount: '0', appliesTo: ['x'] }] },
      'creditGrants[0].amount',
      'must be greater than 0',
    ],
    [
      { creditGrants: [{ name: 'c', amount: '1', appliesTo: [] }] },
      'creditGrants[0].appliesTo',
      'must name at least one billable item',
    ],
    [
      { creditGrants: [{ name: 'c', amount: '1', appliesTo: ['x', 'x'] }] },
      'creditGrants[0].appliesTo[1]',
      "'x' is listed more than once",
    ],
    [
      { creditGrants: [{ name: 'c', amount: '1', appliesTo: ['x'], expiresAfterIntervals: 0 }] },
      'creditGrants[0].expiresAfterIntervals',
      'must be at least 1',
    ],
    [{ limits: [{ meter: 'm', quantity: '-1' }] }, 'limits[0].quantity', 'must be greater than 0'],
    [
      {
        limits: [
          { meter: 'm', quantity: '1' },
          { meter: 'm', quantity: '2' },
        ],
      },
      'limits[1].meter',
      "'m' is listed more than once",
    ],
    [
      {
        licenceFees: [
          { billableItem: 's', unitAmount: '1' },
          { billableItem: 's', unitAmount: '2' },
        ],
      },
      'licenceFees[1].billableItem',
      "'s' is listed more than once",
    ],
  ])('rejects %j at %s', (input, field, problem) => {
    expect(problemsOf(input)).toEqual([{ field, problem }]);
  });

  it('reports a rate problem with its full path', () => {
    const input = {
      rates: [
        { billableItem: 'a', rate: { model: 'per_unit', unitAmount: '1' } },
        {
          billableItem: 'b',
          rate: { model: 'volume', tiers: [{ upTo: '10' }, { upTo: '5' }, { upTo: null }] },
        },
      ],
    };
    expect(problemsOf(input)).toEqual([
      {
        field: 'rates[1].rate.tiers[1].upTo',
        problem: "must be greater than the previous tier's upTo",
      },
    ]);
  });
});
