import { Decimal } from '../../common/decimal';
import { CustomerMonth, mrrMovements, trailingAverage } from './revenue-metrics';

const ledger = (rows: Array<[string, string, string]>): CustomerMonth[] =>
  rows.map(([customerId, month, mrr]) => ({ customerId, month, mrr: new Decimal(mrr) }));

/**
 * A is spiky: 90 in January, nothing in February and March, 30 in April. B pays 300 once, in
 * February. C pays 10.01 in January, whose third is 3.3366… → 3.34.
 *
 * Trailing 3-month averages:  Jan  Feb  Mar  Apr  May  Jun
 *                        A     30   30   30   10   10   10
 *                        B      –  100  100  100    –    –
 *                        C   3.34 3.34 3.34    –    –    –
 */
const spiky = ledger([
  ['A', '2025-01', '90'],
  ['A', '2025-04', '30'],
  ['B', '2025-02', '300'],
  ['C', '2025-01', '10.01'],
]);

describe('trailing 3-month average MRR', () => {
  it('averages each month with the two before, rounded once', () => {
    const byKey = new Map(
      trailingAverage(spiky, 2).map((m) => [`${m.customerId}/${m.month}`, m.mrr.toFixed()]),
    );
    expect(Object.fromEntries(byKey)).toEqual({
      'A/2025-01': '30',
      'A/2025-02': '30',
      'A/2025-03': '30',
      'A/2025-04': '10',
      'A/2025-05': '10',
      'A/2025-06': '10',
      'B/2025-02': '100',
      'B/2025-03': '100',
      'B/2025-04': '100',
      'C/2025-01': '3.34',
      'C/2025-02': '3.34',
      'C/2025-03': '3.34',
    });
  });

  it('turns a pause into a contraction in the smoothed movements', () => {
    const months = mrrMovements(trailingAverage(spiky, 2), '2025-02', '2025-07').map((m) => ({
      month: m.month,
      opening: m.openingMrr.toFixed(),
      new: m.new.toFixed(),
      contraction: m.contraction.toFixed(),
      churned: m.churned.toFixed(),
      reactivated: m.reactivated.toFixed(),
      closing: m.closingMrr.toFixed(),
    }));
    expect(months).toEqual([
      // B arrives with a third of its 300.
      {
        month: '2025-02',
        opening: '33.34',
        new: '100',
        contraction: '0',
        churned: '0',
        reactivated: '0',
        closing: '133.34',
      },
      {
        month: '2025-03',
        opening: '133.34',
        new: '0',
        contraction: '0',
        churned: '0',
        reactivated: '0',
        closing: '133.34',
      },
      // A 30 → 10 (where the raw view has a churn and a reactivation); C's window ends.
      {
        month: '2025-04',
        opening: '133.34',
        new: '0',
        contraction: '20',
        churned: '3.34',
        reactivated: '0',
        closing: '110',
      },
      {
        month: '2025-05',
        opening: '110',
        new: '0',
        contraction: '0',
        churned: '100',
        reactivated: '0',
        closing: '10',
      },
      {
        month: '2025-06',
        opening: '10',
        new: '0',
        contraction: '0',
        churned: '0',
        reactivated: '0',
        closing: '10',
      },
      {
        month: '2025-07',
        opening: '10',
        new: '0',
        contraction: '0',
        churned: '10',
        reactivated: '0',
        closing: '0',
      },
    ]);
  });
});
