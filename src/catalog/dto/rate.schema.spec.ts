import fc from 'fast-check';
import { Decimal } from '../../common/decimal';
import { Rate } from '../../rating/rate';
import { fieldProblemsOf } from '../testing/field-problems';
import { rateFromJson, rateToJson } from './rate-json';
import { rateSchema } from './rate.schema';

/** The problems of a rate sent as `rate`, with the field paths a client sees. */
const problemsOf = (input: unknown) => fieldProblemsOf(rateSchema, input, 'rate');

function parse(input: unknown): Rate {
  return rateSchema.parse(input);
}

describe('rate schema', () => {
  describe('per_unit', () => {
    it('parses the unit amount into a Decimal', () => {
      expect(parse({ model: 'per_unit', unitAmount: '0.000125' })).toEqual({
        model: 'per_unit',
        unitAmount: new Decimal('0.000125'),
      });
    });

    it.each([
      [{ model: 'per_unit' }, 'rate.unitAmount', 'must be a decimal string such as "12.50"'],
      [
        { model: 'per_unit', unitAmount: 0.5 },
        'rate.unitAmount',
        'must be a decimal string such as "12.50"',
      ],
      [
        { model: 'per_unit', unitAmount: '1e3' },
        'rate.unitAmount',
        'must be a decimal string such as "12.50"',
      ],
      [{ model: 'per_unit', unitAmount: '-0.01' }, 'rate.unitAmount', 'must not be negative'],
      [{ model: 'per_unit', unitAmount: '1', tiers: [] }, 'rate.tiers', 'is not a known field'],
    ])('rejects %j at %s', (input, field, problem) => {
      expect(problemsOf(input)).toEqual([{ field, problem }]);
    });
  });

  describe('package', () => {
    it('rounds partial packages up unless told otherwise, and takes the size as a number', () => {
      expect(parse({ model: 'package', packageSize: 1000, packageAmount: '5' })).toEqual({
        model: 'package',
        packageSize: new Decimal(1000),
        packageAmount: new Decimal(5),
        rounding: 'up',
      });
      expect(
        parse({ model: 'package', packageSize: '10', packageAmount: '5', rounding: 'down' }),
      ).toMatchObject({
        rounding: 'down',
      });
    });

    it.each([
      [{ packageSize: '0', packageAmount: '5' }, 'rate.packageSize', 'must be greater than 0'],
      [{ packageSize: '-10', packageAmount: '5' }, 'rate.packageSize', 'must be greater than 0'],
      [{ packageSize: '10', packageAmount: '-5' }, 'rate.packageAmount', 'must not be negative'],
      [
        { packageSize: '10', packageAmount: '5', rounding: 'nearest' },
        'rate.rounding',
        'must be one of up, down',
      ],
    ])('rejects %j at %s', (fields, field, problem) => {
      expect(problemsOf({ model: 'package', ...fields })).toEqual([{ field, problem }]);
    });
  });

  describe.each(['volume', 'graduated'] as const)('%s tiers', (model) => {
    it('defaults unitAmount and flatAmount to 0', () => {
      expect(
        parse({
          model,
          tiers: [
            { upTo: '100', unitAmount: '1' },
            { upTo: null, flatAmount: '2' },
          ],
        }),
      ).toEqual({
        model,
        tiers: [
          { upTo: new Decimal(100), unitAmount: new Decimal(1), flatAmount: new Decimal(0) },
          { upTo: null, unitAmount: new Decimal(0), flatAmount: new Decimal(2) },
        ],
      });
    });

    it('accepts a single unbounded tier', () => {
      expect(problemsOf({ model, tiers: [{ upTo: null, unitAmount: '1' }] })).toEqual([]);
    });

    it('wants upTo strictly ascending', () => {
      const tiers = [{ upTo: '100' }, { upTo: '100' }, { upTo: '50' }, { upTo: null }];
      expect(problemsOf({ model, tiers })).toEqual([
        { field: 'rate.tiers[1].upTo', problem: "must be greater than the previous tier's upTo" },
        { field: 'rate.tiers[2].upTo', problem: "must be greater than the previous tier's upTo" },
      ]);
    });

    it('wants the last upTo null, and only the last', () => {
      expect(problemsOf({ model, tiers: [{ upTo: '100' }, { upTo: '200' }] })).toEqual([
        {
          field: 'rate.tiers[1].upTo',
          problem: 'must be null in the last tier (it has no upper bound)',
        },
      ]);
      expect(problemsOf({ model, tiers: [{ upTo: null }, { upTo: null }] })).toEqual([
        { field: 'rate.tiers[0].upTo', problem: 'may be null only in the last tier' },
      ]);
    });

    it.each([
      [{ tiers: [] }, 'rate.tiers', 'must have at least one tier'],
      [{ tiers: 'many' }, 'rate.tiers', 'must be a list of tiers'],
      [
        { tiers: [{ unitAmount: '1' }] },
        'rate.tiers[0].upTo',
        'must be a decimal string such as "12.50"',
      ],
      [{ tiers: [{ upTo: '-1' }, { upTo: null }] }, 'rate.tiers[0].upTo', 'must not be negative'],
      [
        { tiers: [{ upTo: null, unitAmount: '-1' }] },
        'rate.tiers[0].unitAmount',
        'must not be negative',
      ],
      [
        { tiers: [{ upTo: null, flatAmount: '-1' }] },
        'rate.tiers[0].flatAmount',
        'must not be negative',
      ],
      [{ tiers: [{ upTo: null, price: '1' }] }, 'rate.tiers[0].price', 'is not a known field'],
    ])('rejects %j at %s', (fields, field, problem) => {
      expect(problemsOf({ model, ...fields })).toEqual([{ field, problem }]);
    });

    it('accepts any strictly ascending bounds ending in null, and rejects any repeated bound', () => {
      const bounds = fc.uniqueArray(fc.integer({ min: 0, max: 1_000_000 }), {
        minLength: 1,
        maxLength: 8,
      });
      fc.assert(
        fc.property(bounds, (values) => {
          const ascending = [...values].sort((a, b) => a - b);
          const tiers = [...ascending.map((upTo) => ({ upTo: String(upTo) })), { upTo: null }];
          expect(problemsOf({ model, tiers })).toEqual([]);
          const repeated = [...ascending, ascending[ascending.length - 1]].map((upTo) => ({
            upTo: String(upTo),
          }));
          expect(problemsOf({ model, tiers: [...repeated, { upTo: null }] })).toEqual([
            {
              field: `rate.tiers[${ascending.length}].upTo`,
              problem: "must be greater than the previous tier's upTo",
            },
          ]);
        }),
      );
    });
  });

  describe('percentage', () => {
    it('defaults the fee, free events and free amount to 0 and the bounds to null', () => {
      expect(parse({ model: 'percentage', rate: '2.5' })).toEqual({
        model: 'percentage',
        rate: new Decimal('2.5'),
        fixedAmount: new Decimal(0),
        freeEvents: new Decimal(0),
        freeAmount: new Decimal(0),
        minPerEvent: null,
        maxPerEvent: null,
      });
    });

    it('accepts every field, free events as a number', () => {
      const input = {
        model: 'percentage',
        rate: '100',
        fixedAmount: '0.10',
        freeEvents: 100,
        freeAmount: '50',
        minPerEvent: '0.5',
        maxPerEvent: '0.5',
      };
      expect(problemsOf(input)).toEqual([]);
    });

    it.each([
      [{}, 'rate.rate', 'must be a decimal string such as "12.50"'],
      [{ rate: '100.01' }, 'rate.rate', 'must be a percentage from 0 to 100'],
      [{ rate: '-1' }, 'rate.rate', 'must not be negative'],
      [{ rate: '1', fixedAmount: '-0.1' }, 'rate.fixedAmount', 'must not be negative'],
      [{ rate: '1', freeEvents: '1.5' }, 'rate.freeEvents', 'must be a whole number'],
      [{ rate: '1', freeEvents: -3 }, 'rate.freeEvents', 'must not be negative'],
      [{ rate: '1', freeAmount: '-5' }, 'rate.freeAmount', 'must not be negative'],
      [{ rate: '1', minPerEvent: '-1' }, 'rate.minPerEvent', 'must not be negative'],
      [
        { rate: '1', minPerEvent: '2', maxPerEvent: '1' },
        'rate.maxPerEvent',
        'must not be less than minPerEvent',
      ],
      [{ rate: '1', cap: '1' }, 'rate.cap', 'is not a known field'],
    ])('rejects %j at %s', (fields, field, problem) => {
      expect(problemsOf({ model: 'percentage', ...fields })).toEqual([{ field, problem }]);
    });
  });

  it.each([
    [{ model: 'flat' }, 'rate.model'],
    [{ unitAmount: '1' }, 'rate.model'],
    ['per_unit', 'rate'],
    [null, 'rate'],
  ])('rejects %j as no known model', (input, field) => {
    expect(problemsOf(input)).toEqual([
      {
        field,
        problem:
          'must be one of per_unit, package, volume, graduated, graduated_percentage, percentage',
      },
    ]);
  });
});

describe('rate JSON', () => {
  const rates: unknown[] = [
    { model: 'per_unit', unitAmount: '0.000000000001' },
    { model: 'package', packageSize: '1000', packageAmount: '5.5', rounding: 'down' },
    {
      model: 'volume',
      tiers: [
        { upTo: '100', unitAmount: '1' },
        { upTo: null, unitAmount: '0.8', flatAmount: '3' },
      ],
    },
    {
      model: 'graduated',
      tiers: [
        { upTo: '1000000', unitAmount: '0' },
        { upTo: null, unitAmount: '0.000002' },
      ],
    },
    { model: 'percentage', rate: '2.5', fixedAmount: '0.1', freeEvents: '10', minPerEvent: '0.3' },
  ];

  it.each(rates)('reads back what it writes: %j', (input) => {
    const rate = parse(input);
    const json = rateToJson(rate);
    expect(rateFromJson(JSON.parse(JSON.stringify(json)))).toEqual(rate);
  });

  it('writes decimals in plain notation without trailing zeros', () => {
    expect(rateToJson(parse({ model: 'per_unit', unitAmount: '0.000000000001' }))).toEqual({
      model: 'per_unit',
      unitAmount: '0.000000000001',
    });
    expect(
      rateToJson(
        parse({ model: 'volume', tiers: [{ upTo: 1e21, unitAmount: '1.50' }, { upTo: null }] }),
      ),
    ).toEqual({
      model: 'volume',
      tiers: [
        { upTo: '1000000000000000000000', unitAmount: '1.5', flatAmount: '0' },
        { upTo: null, unitAmount: '0', flatAmount: '0' },
      ],
    });
  });

  it('refuses a stored rate that no longer validates', () => {
    expect(() => rateFromJson({ model: 'per_unit', unitAmount: '-1' })).toThrow();
  });
});

describe('rate schema: billing depth fields', () => {
  it('parses package freeUnits and leaves it out when absent', () => {
    expect(
      parse({ model: 'package', packageSize: 100, packageAmount: '5', freeUnits: '100' }),
    ).toEqual({
      model: 'package',
      packageSize: new Decimal(100),
      packageAmount: new Decimal(5),
      rounding: 'up',
      freeUnits: new Decimal(100),
    });
    expect(
      problemsOf({ model: 'package', packageSize: 1, packageAmount: '1', freeUnits: '-1' }),
    ).toEqual([{ field: 'rate.freeUnits', problem: 'must not be negative' }]);
  });

  it('parses graduated_percentage ranges and names the broken one', () => {
    const rate = parse({
      model: 'graduated_percentage',
      tiers: [
        { upTo: '1000', rate: '1', flatAmount: '200' },
        { upTo: null, rate: '2' },
      ],
    });
    expect(rateToJson(rate)).toEqual({
      model: 'graduated_percentage',
      tiers: [
        { upTo: '1000', rate: '1', flatAmount: '200' },
        { upTo: null, rate: '2', flatAmount: '0' },
      ],
    });
    expect(
      problemsOf({
        model: 'graduated_percentage',
        tiers: [
          { upTo: '10', rate: '101' },
          { upTo: '5', rate: '1' },
        ],
      }),
    ).toEqual([
      { field: 'rate.tiers[0].rate', problem: 'must be a percentage from 0 to 100' },
      {
        field: 'rate.tiers[1].upTo',
        problem: 'must be null in the last tier (it has no upper bound)',
      },
      { field: 'rate.tiers[1].upTo', problem: "must be greater than the previous tier's upTo" },
    ]);
  });

  it('takes minimumAmount and maximumAmount on every model, and round-trips them', () => {
    const rate = parse({
      model: 'volume',
      tiers: [{ upTo: null, unitAmount: '1' }],
      minimumAmount: '10.00',
      maximumAmount: '500',
    });
    expect(rate.minimumAmount?.toFixed()).toBe('10');
    expect(rateFromJson(rateToJson(rate))).toEqual(rate);
    // absent bounds stay absent: stored rates answer as before
    expect(rateToJson(parse({ model: 'per_unit', unitAmount: '1' }))).toEqual({
      model: 'per_unit',
      unitAmount: '1',
    });
  });

  it('refuses a maximum below the minimum and negative bounds, naming the field', () => {
    expect(
      problemsOf({ model: 'per_unit', unitAmount: '1', minimumAmount: '10', maximumAmount: '5' }),
    ).toEqual([{ field: 'rate.maximumAmount', problem: 'must not be less than minimumAmount' }]);
    expect(problemsOf({ model: 'per_unit', unitAmount: '1', minimumAmount: '-1' })).toEqual([
      { field: 'rate.minimumAmount', problem: 'must not be negative' },
    ]);
  });
});
