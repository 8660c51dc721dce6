import { fieldProblemsOf } from '../../catalog/testing/field-problems';
import { parseInput } from '../../common/validation';
import { createPlanChangeSchema } from './plan-change.schema';

describe('plan change schema', () => {
  it('takes a version, and optionally another plan', () => {
    expect(parseInput(createPlanChangeSchema, { version: 3 })).toEqual({
      version: 3,
      effective: 'period_end',
    });
    expect(parseInput(createPlanChangeSchema, { plan: 'team', version: 1 })).toEqual({
      plan: 'team',
      version: 1,
      effective: 'period_end',
    });
    expect(parseInput(createPlanChangeSchema, {})).toEqual({ effective: 'period_end' });
  });

  it('takes a change now with when it took effect and where its credit goes', () => {
    expect(
      parseInput(createPlanChangeSchema, {
        plan: 'team',
        effective: 'now',
        effectiveAt: '2026-04-11T13:20:00Z',
        refundToCredit: true,
      }),
    ).toEqual({
      plan: 'team',
      effective: 'now',
      effectiveAt: new Date('2026-04-11T13:20:00Z'),
      refundToCredit: true,
    });
  });

  it('refuses the fields of a change now on a change at the period end, naming them', () => {
    expect(
      fieldProblemsOf(createPlanChangeSchema, {
        effectiveAt: '2026-04-11T13:00:00Z',
        refundToCredit: false,
      }),
    ).toEqual([
      { field: 'effectiveAt', problem: "is only taken with effective 'now'" },
      { field: 'refundToCredit', problem: "is only taken with effective 'now'" },
    ]);
    expect(fieldProblemsOf(createPlanChangeSchema, { effective: 'later' })).toEqual([
      { field: 'effective', problem: "must be 'period_end' or 'now'" },
    ]);
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
