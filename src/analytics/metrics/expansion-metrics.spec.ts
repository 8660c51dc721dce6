import { Decimal } from '../../common/decimal';
import { expansionMonths } from './expansion-metrics';
import { CustomerMonth, mrrMovements } from './revenue-metrics';

const ledger = (rows: Array<[string, string, string]>): CustomerMonth[] =>
  rows.map(([customerId, month, mrr]) => ({ customerId, month, mrr: new Decimal(mrr) }));

describe('expansion metrics', () => {
  /**
   *        Jan   Feb   Mar
   * A      100   150   150    expands in Feb (+50)
   * B      200   180   240    contracts in Feb (−20), expands in Mar (+60)
   * C       50     –    80    churns in Feb, reactivated in Mar (not an expansion)
   * D        –    30    20    new in Feb, contracts in Mar (−10)
   */
  const movements = mrrMovements(
    ledger([
      ['A', '2025-01', '100'],
      ['A', '2025-02', '150'],
      ['A', '2025-03', '150'],
      ['B', '2025-01', '200'],
      ['B', '2025-02', '180'],
      ['B', '2025-03', '240'],
      ['C', '2025-01', '50'],
      ['C', '2025-03', '80'],
      ['D', '2025-02', '30'],
      ['D', '2025-03', '20'],
    ]),
    '2025-01',
    '2025-03',
  );
  const signals = [{ month: '2025-02', signalledCustomers: 3, convertedCustomers: 1 }];

  const months = expansionMonths(movements, signals).map((m) => ({
    ...m,
    crmDeals: { ...m.crmDeals, wonArr: m.crmDeals.wonArr.toFixed() },
    expansion: m.expansion.toFixed(),
    contraction: m.contraction.toFixed(),
    netExpansion: m.netExpansion.toFixed(),
  }));

  it('gives the share of active customers expanding and the expansion revenue', () => {
    // January: everyone is new, nobody expands.
    expect(months[0]).toEqual({
      month: '2025-01',
      activeCustomers: 3,
      expandingCustomers: 0,
      expandingShare: '0.00',
      expansion: '0',
      contraction: '0',
      netExpansion: '0',
      signalledCustomers: 0,
      convertedCustomers: 0,
      signalConversion: null,
      // No CRM outcomes were read back: every deal figure is zero.
      crmDeals: {
        opened: 0,
        open: 0,
        won: 0,
        lost: 0,
        wonUnconverted: 0,
        wonArr: '0',
        wonConversion: null,
      },
    });
    // February: A, B, D active; A expands (1 of 3 = 33.33 %); +50 − 20 = 30 net; 1 of 3 signals converted.
    expect(months[1]).toEqual({
      month: '2025-02',
      activeCustomers: 3,
      expandingCustomers: 1,
      expandingShare: '33.33',
      expansion: '50',
      contraction: '20',
      netExpansion: '30',
      signalledCustomers: 3,
      convertedCustomers: 1,
      signalConversion: '33.33',
      // No CRM outcomes were read back: every deal figure is zero.
      crmDeals: {
        opened: 0,
        open: 0,
        won: 0,
        lost: 0,
        wonUnconverted: 0,
        wonArr: '0',
        wonConversion: null,
      },
    });
    // March: all 4 active; only B expands (C comes back, which is a reactivation): 25 %; +60 − 10 = 50.
    expect(months[2]).toMatchObject({
      activeCustomers: 4,
      expandingCustomers: 1,
      expandingShare: '25.00',
      expansion: '60',
      contraction: '10',
      netExpansion: '50',
    });
  });

  it('has no share without active customers', () => {
    const [empty] = expansionMonths(mrrMovements([], '2025-01', '2025-01'), []);
    expect(empty).toMatchObject({ expandingShare: null, signalConversion: null });
  });
});
