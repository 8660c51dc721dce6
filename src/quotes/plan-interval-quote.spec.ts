import { Decimal } from '../common/decimal';
import { d, percentageRate, tier } from '../rating/rating.fixtures';
import { PlanIntervalInput, quotePlanInterval } from './plan-interval-quote';

const april = { start: new Date('2026-04-01T00:00:00Z'), end: new Date('2026-05-01T00:00:00Z') };

/** Graduated tokens with a flat fee on the second tier, per-unit tokens, a platform fee and seats. */
function input(overrides: Partial<PlanIntervalInput> = {}): PlanIntervalInput {
  return {
    currency: 'USD',
    interval: april,
    rated: [
      {
        billableItemKey: 'gpt4o_tokens',
        rate: {
          model: 'graduated',
          tiers: [
            tier('1000000', '0'),
            tier('2000000', '0.000002', '1.00'),
            tier(null, '0.0000015'),
          ],
        },
        usage: { quantity: d('2500000') },
        quantity: d('2500000'),
      },
      {
        billableItemKey: 'claude_tokens',
        rate: { model: 'per_unit', unitAmount: d('0.000003') },
        usage: { quantity: d('400001') },
        quantity: d('400001'),
      },
    ],
    licences: [
      { billableItemKey: 'platform_fee', unitAmount: d('49.00'), quantity: d('1') },
      { billableItemKey: 'seats', unitAmount: d('12.50'), quantity: d('3') },
    ],
    creditGrants: [
      {
        name: 'Monthly credit',
        amount: d('4.00'),
        appliesTo: [
          { id: 'item-1', key: 'gpt4o_tokens' },
          { id: 'item-2', key: 'claude_tokens' },
        ],
        expiresAfterIntervals: 1,
        rollover: null,
      },
    ],
    commitment: null,
    itemNames: new Map([
      ['gpt4o_tokens', 'GPT-4o tokens'],
      ['platform_fee', 'Platform fee'],
    ]),
    ...overrides,
  };
}

const money = (amount: Decimal) => amount.toFixed(2);

describe('quotePlanInterval', () => {
  it('prices usage, licence fees and the credit grant as an invoice would', () => {
    const draft = quotePlanInterval(input());
    expect(
      draft.lines.map((line) => [
        line.kind,
        line.billableItemId,
        line.description,
        money(line.amount),
      ]),
    ).toEqual([
      ['licence_fee', 'platform_fee', 'Platform fee', '49.00'],
      ['licence_fee', 'seats', 'seats', '37.50'], // 3 × 12.50; no name known: the key
      // 1M × 0 + (1M × 0.000002 + 1.00) + 0.5M × 0.0000015 = 0 + 3.00 + 0.75
      ['usage', 'gpt4o_tokens', 'GPT-4o tokens', '3.75'],
      // 400 001 × 0.000003 = 1.200003
      ['usage', 'claude_tokens', 'claude_tokens', '1.20'],
      // 4.00 of credit: 3.75 on GPT-4o, the remaining 0.25 on Claude
      ['credit', null, 'Monthly credit', '-4.00'],
    ]);
    expect(draft.lines[3].exactAmount.toFixed()).toBe('1.200003');
    expect(money(draft.subtotal)).toBe('91.45'); // 49.00 + 37.50 + 3.75 + 1.20
    expect(money(draft.creditsApplied)).toBe('-4.00');
    expect(money(draft.tax)).toBe('0.00');
    expect(money(draft.total)).toBe('87.45');
  });

  it('applies a grant only to its items and never beyond their amounts', () => {
    const draft = quotePlanInterval(
      input({
        creditGrants: [
          {
            name: 'Token credit',
            amount: d('100.00'),
            appliesTo: [{ id: 'item-1', key: 'gpt4o_tokens' }],
            expiresAfterIntervals: null,
            rollover: null,
          },
        ],
      }),
    );
    expect(money(draft.creditsApplied)).toBe('-3.75');
    expect(money(draft.total)).toBe('87.70'); // 91.45 − 3.75
  });

  it('rounds each line to the currency and totals the rounded lines', () => {
    const draft = quotePlanInterval(
      input({
        currency: 'JPY',
        rated: [
          {
            billableItemKey: 'payment_fees',
            rate: percentageRate({ rate: '2.5', fixedAmount: '0.1' }),
            usage: { events: [d('120'), d('35.5')] },
            quantity: d('155.5'),
          },
        ],
        licences: [{ billableItemKey: 'platform_fee', unitAmount: d('4900.5'), quantity: d('1') }],
        creditGrants: [],
      }),
    );
    // 2.5 % × 155.5 + 2 × 0.1 = 4.0875 → 4 yen; 4900.5 → 4901 yen
    expect(draft.lines.map((line) => line.amount.toFixed())).toEqual(['4901', '4']);
    expect(draft.total.toFixed()).toBe('4905');
  });

  it('adds the true-up of a commitment per service interval, and leaves one per billing period out', () => {
    // usage: 1 000 000 × 0.000002 + 1.00 + 500 000 × 0.0000015 = 3.75, 400 001 × 0.000003 → 1.20;
    // 4.95 spent against 10.00 committed → true-up 5.05
    const commitment = {
      amount: d('10.00'),
      interval: 'service_interval' as const,
      prepaid: false,
    };
    const trueUp = quotePlanInterval(input({ commitment })).lines.filter(
      (line) => line.kind === 'commitment_true_up',
    );
    expect(trueUp.map((line) => money(line.amount))).toEqual(['5.05']);
    const perPeriod = quotePlanInterval(
      input({ commitment: { ...commitment, interval: 'billing_period' } }),
    );
    expect(perPeriod.lines.some((line) => line.kind === 'commitment_true_up')).toBe(false);
  });

  it('quotes a prepaid commitment as its prepayment and the credit it gives the usage', () => {
    const commitment = { amount: d('3.00'), interval: 'service_interval' as const, prepaid: true };
    const draft = quotePlanInterval(input({ commitment }));
    // 3.00 prepaid; usage 3.75 + 1.20 = 4.95 is paid by the 4.00 grant and 0.95 of the prepaid 3.00
    expect(
      draft.lines.filter((line) => line.kind === 'prepaid_commitment').map((l) => money(l.amount)),
    ).toEqual(['3.00']);
    expect(money(draft.creditsApplied)).toBe('-4.95');
    expect(draft.consumptions.map((use) => [use.lotId, money(use.amount)])).toEqual([
      ['credit-grant-1', '4.00'],
      ['prepaid-commitment', '0.95'],
    ]);
  });
});
