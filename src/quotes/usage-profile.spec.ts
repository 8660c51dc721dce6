import { Decimal } from '../common/decimal';
import { d, percentageRate, tier } from '../rating/rating.fixtures';
import { MeteredRate, resolveUsageProfile } from './usage-profile';

const gpt4o: MeteredRate = {
  billableItemKey: 'gpt4o_tokens',
  meterKey: 'llm_tokens',
  rate: { model: 'graduated', tiers: [tier('1000000', '0'), tier(null, '0.000002')] },
};
const claude: MeteredRate = {
  billableItemKey: 'claude_tokens',
  meterKey: 'llm_tokens',
  rate: { model: 'per_unit', unitAmount: d('0.000003') },
};
const payments: MeteredRate = {
  billableItemKey: 'payment_fees',
  meterKey: 'payments',
  rate: percentageRate({ rate: '2.9', fixedAmount: '0.30' }),
};

/** Each rated item as `key: usage (line quantity)`, so expectations read at a glance. */
function summary(rates: MeteredRate[], profile: Record<string, Decimal | Decimal[]>): string[] {
  const { rated, problems } = resolveUsageProfile(rates, profile);
  expect(problems).toEqual([]);
  return rated.map(({ billableItemKey, usage, quantity }) => {
    const given = 'quantity' in usage ? usage.quantity.toFixed() : JSON.stringify(usage);
    return `${billableItemKey}: ${given} (${quantity.toFixed()})`;
  });
}

describe('resolveUsageProfile', () => {
  it("gives every item of a meter the meter's quantity", () => {
    expect(summary([gpt4o, claude], { llm_tokens: d('2500000') })).toEqual([
      'gpt4o_tokens: 2500000 (2500000)',
      'claude_tokens: 2500000 (2500000)',
    ]);
  });

  it("lets a billable item's own key take precedence over its meter's", () => {
    expect(
      summary([gpt4o, claude], { llm_tokens: d('2500000'), claude_tokens: d('400000') }),
    ).toEqual(['gpt4o_tokens: 2500000 (2500000)', 'claude_tokens: 400000 (400000)']);
  });

  it('prices rates no key reaches for zero usage', () => {
    expect(summary([gpt4o, payments], {})).toEqual([
      'gpt4o_tokens: 0 (0)',
      'payment_fees: {"events":[]} (0)',
    ]);
  });

  it("gives a percentage rate each event's value, and shows their total as the quantity", () => {
    expect(summary([payments], { payments: [d('120.00'), d('35.50')] })).toEqual([
      'payment_fees: {"events":["120","35.5"]} (155.5)',
    ]);
  });

  it('names every key no rate of the version reaches', () => {
    const { problems } = resolveUsageProfile([gpt4o, payments], {
      llm_tokenz: d('1'),
      gpu_minutes: d('1'),
    });
    const prices = 'gpt4o_tokens, llm_tokens, payment_fees, payments';
    expect(problems).toEqual([
      {
        field: 'usage.llm_tokenz',
        problem: `is neither a meter nor a billable item this plan version prices (it prices: ${prices})`,
      },
      {
        field: 'usage.gpu_minutes',
        problem: `is neither a meter nor a billable item this plan version prices (it prices: ${prices})`,
      },
    ]);
  });

  it('refuses usage of the wrong kind for the rate it reaches, naming the key', () => {
    const { rated, problems } = resolveUsageProfile([gpt4o, payments], {
      llm_tokens: [d('1')],
      payments: d('150'),
    });
    expect(rated).toEqual([]);
    expect(problems).toEqual([
      {
        field: 'usage.llm_tokens',
        problem:
          "is a list of event values, but billable item 'gpt4o_tokens' has a graduated rate: give a quantity",
      },
      {
        field: 'usage.payments',
        problem:
          "is a quantity, but billable item 'payment_fees' has a percentage rate: give the value of each event as a list",
      },
    ]);
  });
});
