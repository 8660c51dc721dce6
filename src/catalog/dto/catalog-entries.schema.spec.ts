import { parseInput } from '../../common/validation';
import { fieldProblemsOf } from '../testing/field-problems';
import { createBillableItemSchema } from './billable-item.schema';
import { createMeterSchema } from './meter.schema';
import { createPlanSchema } from './plan.schema';

describe('meter schema', () => {
  it('defaults dimensions to none', () => {
    expect(
      parseInput(createMeterSchema, { key: 'calls', name: 'Calls', aggregation: 'count' }),
    ).toEqual({
      key: 'calls',
      name: 'Calls',
      aggregation: 'count',
      dimensions: [],
    });
  });

  it.each([
    [{ aggregation: 'avg' }, 'aggregation', 'must be one of sum, count, max, last, unique_count'],
    [{ dimensions: ['model', 'model'] }, 'dimensions[1]', "'model' is listed more than once"],
    [
      { dimensions: ['has space'] },
      'dimensions[0]',
      'must be 1-128 characters: letters, digits, "_", "-", "." or ":", starting with a letter or digit',
    ],
    [{ name: '  ' }, 'name', 'must not be empty'],
  ])('rejects %j at %s', (override, field, problem) => {
    const input = { key: 'tokens', name: 'Tokens', aggregation: 'sum', ...override };
    expect(fieldProblemsOf(createMeterSchema, input)).toEqual([{ field, problem }]);
  });
});

describe('billable item schema', () => {
  it('defaults a metered filter to none', () => {
    expect(
      parseInput(createBillableItemSchema, { key: 'i', name: 'I', kind: 'metered', meter: 'm' }),
    ).toMatchObject({
      filter: {},
    });
  });

  it.each([
    [{ kind: 'metered' }, 'meter', 'must be a string'],
    [
      { kind: 'metered', meter: 'm', filter: ['model'] },
      'filter',
      'must be an object of dimension values',
    ],
    [
      { kind: 'licensed', filter: {} },
      'filter',
      'must not be set: a licensed item has no meter to filter',
    ],
    [{ kind: 'both' }, 'kind', 'must be one of metered, licensed'],
  ])('rejects %j at %s', (override, field, problem) => {
    expect(fieldProblemsOf(createBillableItemSchema, { key: 'i', name: 'I', ...override })).toEqual(
      [{ field, problem }],
    );
  });
});

describe('plan schema', () => {
  it('needs a key, a name and an ISO currency', () => {
    expect(fieldProblemsOf(createPlanSchema, { key: 'pro', name: 'Pro', currency: 'USD' })).toEqual(
      [],
    );
    expect(
      fieldProblemsOf(createPlanSchema, { key: 'pro', name: 'Pro', currency: 'dollars', tier: 1 }),
    ).toEqual([
      { field: 'currency', problem: 'must be an ISO 4217 currency code such as "USD"' },
      { field: 'tier', problem: 'is not a known field' },
    ]);
  });
});
