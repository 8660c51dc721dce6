import { Decimal } from '../../common/decimal';
import { parseInput } from '../../common/validation';
import { fieldProblemsOf } from '../../catalog/testing/field-problems';
import { createSubscriptionSchema, idempotencyKeyHeaderSchema } from './subscription.schema';

const valid = { customerExternalId: 'acme', plan: 'pro' };

describe('subscription schema', () => {
  it('leaves version and start to the service, and bills monthly', () => {
    expect(parseInput(createSubscriptionSchema, valid)).toEqual({
      ...valid,
      endDate: null,
      billingCadence: { unit: 'month', count: 1, anchorDay: null },
      licenceQuantities: {},
    });
  });

  it('parses the contract example', () => {
    const parsed = parseInput(createSubscriptionSchema, {
      ...valid,
      version: 2,
      startDate: '2026-01-01T00:00:00Z',
      billingCadence: { unit: 'month', count: 1 },
      licenceQuantities: { platform_fee: '1', seats: 12 },
    });
    expect(parsed).toMatchObject({
      version: 2,
      startDate: new Date('2026-01-01T00:00:00Z'),
      licenceQuantities: { platform_fee: new Decimal(1), seats: new Decimal(12) },
    });
  });

  it.each([
    [{ version: 0 }, 'version', 'must be at least 1'],
    [{ version: '2' }, 'version', 'must be a whole number'],
    [
      { startDate: '2026-01-01' },
      'startDate',
      'must be an ISO-8601 UTC timestamp such as "2026-03-01T00:00:00Z"',
    ],
    [
      { billingCadence: { unit: 'day', count: 1 } },
      'billingCadence.unit',
      'must be one of month, quarter, year',
    ],
    [
      { billingCadence: { unit: 'month', count: 1, anchorDay: 0 } },
      'billingCadence.anchorDay',
      'must be at least 1',
    ],
    [
      { billingCadence: { unit: 'month', count: 1, anchorDay: 32 } },
      'billingCadence.anchorDay',
      'must be at most 31',
    ],
    [{ licenceQuantities: { seats: '-1' } }, 'licenceQuantities.seats', 'must not be negative'],
    [
      { licenceQuantities: ['seats'] },
      'licenceQuantities',
      'must be an object of quantities by billable item key',
    ],
    [{ trial: true }, 'trial', 'is not a known field'],
  ])('rejects %j at %s', (override, field, problem) => {
    expect(fieldProblemsOf(createSubscriptionSchema, { ...valid, ...override })).toEqual([
      { field, problem },
    ]);
  });
});

describe('Idempotency-Key header', () => {
  it.each([['signup-42'], ['a'.repeat(255)], [undefined]])('accepts %j', (key) => {
    expect(fieldProblemsOf(idempotencyKeyHeaderSchema, { 'Idempotency-Key': key })).toEqual([]);
  });

  it.each([[''], ['has space'], ['a'.repeat(256)], ['é']])('rejects %j', (key) => {
    expect(fieldProblemsOf(idempotencyKeyHeaderSchema, { 'Idempotency-Key': key })).toEqual([
      { field: 'Idempotency-Key', problem: 'must be 1-255 visible ASCII characters' },
    ]);
  });
});
