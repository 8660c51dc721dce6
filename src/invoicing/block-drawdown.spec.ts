import { Decimal } from '../common/decimal';
import { BlockLotBalance, drawBlocks } from './block-drawdown';
import { UsageCharge } from './invoice-calculator';

const d = (value: string) => new Decimal(value);
const march = { start: new Date('2026-03-01T00:00:00Z'), end: new Date('2026-04-01T00:00:00Z') };
const april = { start: new Date('2026-04-01T00:00:00Z'), end: new Date('2026-05-01T00:00:00Z') };
const charge = (quantity: string, interval = march, billableItemId = 'tokens'): UsageCharge => ({
  billableItemId,
  description: 'Tokens',
  interval,
  rate: { model: 'per_unit', unitAmount: d('0.00002') },
  usage: { quantity: d(quantity) },
  quantity: d(quantity),
});
const lot = (id: string, remaining: string, expiresAt: string): BlockLotBalance => ({
  id,
  billableItemId: 'tokens',
  remaining: d(remaining),
  validFrom: new Date('2026-02-15T00:00:00Z'),
  expiresAt: new Date(expiresAt),
});
const quantities = (charges: UsageCharge[]) =>
  charges.map((c) => ('quantity' in c.usage ? c.usage.quantity.toFixed() : 'value'));
const draws = (result: ReturnType<typeof drawBlocks>) =>
  result.draws.map(({ lotId, units }) => [lotId, units.toFixed()]);

describe('drawBlocks', () => {
  it('draws the soonest-expiring lot first and leaves the overage to the rate', () => {
    // 1.5 M used; lots of 1 M (expires June) and 1 M (expires May): May's 1 M, then 0.5 M of June's
    const result = drawBlocks(
      [charge('1500000')],
      [
        lot('june', '1000000', '2026-06-01T00:00:00Z'),
        lot('may', '1000000', '2026-05-01T00:00:00Z'),
      ],
    );
    expect(quantities(result.usageCharges)).toEqual(['0']);
    expect(draws(result)).toEqual([
      ['may', '1000000'],
      ['june', '500000'],
    ]);
    expect(
      result.lines.map((line) => [line.kind, line.quantity?.toFixed(), line.amount.toFixed()]),
    ).toEqual([['prepaid_block_drawdown', '1500000', '0']]);
  });

  it('prices what is left beyond the blocks', () => {
    // 2.5 M used, 1 M in blocks: 1.5 M overage
    const result = drawBlocks([charge('2500000')], [lot('may', '1000000', '2026-05-01T00:00:00Z')]);
    expect(quantities(result.usageCharges)).toEqual(['1500000']);
    expect(result.usageCharges[0].quantity.toFixed()).toBe('1500000');
  });

  it('takes earlier intervals first and skips lots expired before an interval', () => {
    // March 600 k, April 600 k; the lot of 1 M expires with March: March draws 600 k, April none
    const result = drawBlocks(
      [charge('600000', april), charge('600000', march)],
      [lot('march', '1000000', '2026-04-01T00:00:00Z')],
    );
    expect(quantities(result.usageCharges)).toEqual(['600000', '0']);
    expect(draws(result)).toEqual([['march', '600000']]);
  });

  it('draws nothing for other items, zero usage or a percentage rate', () => {
    const percentage: UsageCharge = {
      ...charge('0'),
      rate: {
        model: 'percentage',
        rate: d('1'),
        fixedAmount: d('0'),
        freeEvents: d('0'),
        freeAmount: d('0'),
        minPerEvent: null,
        maxPerEvent: null,
      },
      usage: { eventCount: d('2'), totalValue: d('100') },
    };
    const result = drawBlocks(
      [charge('500', march, 'images'), charge('0'), percentage],
      [lot('may', '1000000', '2026-05-01T00:00:00Z')],
    );
    expect(result.lines).toEqual([]);
    expect(result.draws).toEqual([]);
  });
});
