import { fieldProblemsOf } from '../../catalog/testing/field-problems';
import { parseInput } from '../../common/validation';
import { createPlanChangeSchema } from './plan-change.schema';

describe('plan change schema', () => {
  it('takes a version, and optionally another plan', () => {
    expect(parseInput(createPlanChangeSchema, { version: 3 })).toEqual({ version: 3 });
    expect(parseInput(createPlanChangeSchema, { plan: 'team', version: 1 })).toEqual({
      plan: 'team',
      version: 1,
    });
    expect(parseInput(createPlanChangeSchema, {})).toEqual({});
  });

  it('names each bad field', () => {
    expect(
      fieldProblemsOf(createPlanChangeSchema, { version: '3', plan: 'a b', at: 'now' }),
    ).toEqual([
      { field: 'plan', problem: expect.stringContaining('must be 1-128 characters') },
      { field: 'version', problem: 'must be a whole number' },
      { field: 'at', problem: 'is not a known field' },
    ]);
    expect(fieldProblemsOf(createPlanChangeSchema, { version: 0 })).toEqual([
      { field: 'version', problem: 'must be at least 1' },
    ]);
  });
});
