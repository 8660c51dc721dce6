import { fieldProblemsOf } from '../../catalog/testing/field-problems';
import { ValidationFailedError } from '../../common/errors';
import { explicitQuoteSchema } from './explicit-quote.schema';
import { planQuoteSchema } from './plan-quote.schema';
import { parseQuoteRequest } from './quote-request.schema';

const volume = {
  model: 'volume',
  tiers: [
    { upTo: '100', unitAmount: '1' },
    { upTo: null, unitAmount: '0.8' },
  ],
};
const percentage = { model: 'percentage', rate: '2.5', fixedAmount: '0.1' };

describe('parseQuoteRequest', () => {
  it('reads the contract example as the explicit form, quantities as numbers too', () => {
    const request = parseQuoteRequest({
      currency: 'USD',
      items: [
        { rate: volume, quantity: 150 },
        { rate: percentage, events: ['120.00', 35.5] },
      ],
    });
    expect(request.form).toBe('explicit');
    if (request.form !== 'explicit') return;
    expect(request.currency).toBe('USD');
    const [first, second] = request.items;
    expect('quantity' in first.usage && first.usage.quantity.toFixed()).toBe('150');
    expect('events' in second.usage && second.usage.events.map((v) => v.toFixed())).toEqual([
      '120',
      '35.5',
    ]);
  });

  it('reads a body naming a plan as the plan form, with defaults', () => {
    const request = parseQuoteRequest({ plan: 'pro', usage: { llm_tokens: '2500000' } });
    expect(request).toMatchObject({ form: 'plan', plan: 'pro', licenceQuantities: {} });
    expect(request).not.toHaveProperty('version');
  });

  it('reports every problem of the form it picked, with field names', () => {
    expect(() => parseQuoteRequest({ plan: 'pro', currency: 'USD' })).toThrow(
      ValidationFailedError,
    );
    expect(() => parseQuoteRequest({ items: [] })).toThrow('currency');
  });
});

describe('explicit quote schema', () => {
  it('names the field of each problem, nested in the rate too', () => {
    expect(
      fieldProblemsOf(explicitQuoteSchema, {
        currency: 'usd',
        items: [
          { rate: volume, quantity: '-1' },
          { rate: { model: 'graduated', tiers: [{ upTo: '5' }] }, quantity: '1' },
        ],
      }),
    ).toEqual([
      { field: 'currency', problem: 'must be an ISO 4217 currency code such as "USD"' },
      { field: 'items[0].quantity', problem: 'must not be negative' },
      {
        field: 'items[1].rate.tiers[0].upTo',
        problem: 'must be null in the last tier (it has no upper bound)',
      },
    ]);
  });

  it('asks each model for the usage it is priced from, on the field concerned', () => {
    const problems = (item: object) =>
      fieldProblemsOf(explicitQuoteSchema, { currency: 'USD', items: [item] });
    expect(problems({ rate: volume, events: ['1'] })).toEqual([
      {
        field: 'items[0].events',
        problem: 'must not be given: a volume rate is priced from a quantity',
      },
    ]);
    expect(problems({ rate: volume })).toEqual([
      {
        field: 'items[0].quantity',
        problem: 'is required: a volume rate is priced from a quantity',
      },
    ]);
    expect(problems({ rate: percentage, quantity: '2' })).toEqual([
      {
        field: 'items[0].quantity',
        problem:
          'must not be given: a percentage rate is priced from events (the value of each event)',
      },
    ]);
    expect(problems({ rate: percentage })).toEqual([
      {
        field: 'items[0].events',
        problem: 'is required: a percentage rate is priced from the value of each event',
      },
    ]);
    expect(problems({ rate: percentage, events: ['1', 'x'] })).toEqual([
      { field: 'items[0].events[1]', problem: 'must be a decimal string such as "12.50"' },
    ]);
  });

  it('needs at least one item', () => {
    expect(fieldProblemsOf(explicitQuoteSchema, { currency: 'USD', items: [] })).toEqual([
      { field: 'items', problem: 'must have at least one item' },
    ]);
  });
});

describe('plan quote schema', () => {
  it('takes quantities, or lists of event values, by key', () => {
    const parsed = planQuoteSchema.parse({
      plan: 'pro',
      version: 2,
      usage: { llm_tokens: 2500000, payments: ['120.00', '35.50'] },
      licenceQuantities: { seats: '3' },
    });
    expect(parsed.version).toBe(2);
    expect(JSON.stringify(parsed.usage)).toBe('{"llm_tokens":"2500000","payments":["120","35.5"]}');
    expect(parsed.licenceQuantities.seats.toFixed()).toBe('3');
  });

  it('names the key, and the element, of bad usage', () => {
    expect(
      fieldProblemsOf(planQuoteSchema, {
        plan: 'pro',
        version: 0,
        usage: { llm_tokens: '-5', payments: ['1', true], gpu: { hours: 1 } },
        licenceQuantities: { seats: 'x' },
      }),
    ).toEqual([
      { field: 'version', problem: 'must be at least 1' },
      { field: 'usage.llm_tokens', problem: 'must not be negative' },
      { field: 'usage.payments[1]', problem: 'must be a decimal string such as "12.50"' },
      {
        field: 'usage.gpu',
        problem:
          'must be a quantity such as "2500000", or for a percentage rate the value of each event (["120.00"])',
      },
      { field: 'licenceQuantities.seats', problem: 'must be a decimal string such as "12.50"' },
    ]);
  });
});
