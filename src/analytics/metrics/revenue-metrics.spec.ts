import { Decimal } from '../../common/decimal';
import {
  CustomerMonth,
  classifyMovement,
  cohortCells,
  cohortTable,
  mrrMovements,
  quickRatio,
  retentionRates,
  retentionSums,
} from './revenue-metrics';

const ledger = (rows: Array<[string, string, string]>): CustomerMonth[] =>
  rows.map(([customerId, month, mrr]) => ({ customerId, month, mrr: new Decimal(mrr) }));

/**
 * A churns and returns: 100 in Jan, 150 in Feb, an explicit zero-revenue March, 120 in April.
 * B starts mid-February (half a month of revenue, 80), then 60 a month.
 */
const churnAndReturn = ledger([
  ['A', '2025-01', '100'],
  ['A', '2025-02', '150'],
  ['A', '2025-03', '0'],
  ['A', '2025-04', '120'],
  ['B', '2025-02', '80'],
  ['B', '2025-03', '60'],
  ['B', '2025-04', '60'],
]);

const plain = (m: ReturnType<typeof mrrMovements>[number]) => ({
  month: m.month,
  opening: m.openingMrr.toFixed(),
  new: m.new.toFixed(),
  expansion: m.expansion.toFixed(),
  contraction: m.contraction.toFixed(),
  churned: m.churned.toFixed(),
  reactivated: m.reactivated.toFixed(),
  closing: m.closingMrr.toFixed(),
  quickRatio: quickRatio(m)?.toFixed(2) ?? null,
  customers: m.customers,
});

describe('classifyMovement', () => {
  const d = (v: string) => new Decimal(v);
  it.each([
    ['0', '10', false, 'new', '10'],
    ['0', '10', true, 'reactivated', '10'],
    ['10', '15', true, 'expansion', '5'],
    ['10', '4', true, 'contraction', '6'],
    ['10', '0', true, 'churned', '10'],
  ])('%s → %s (had revenue before: %s) is %s of %s', (previous, current, before, kind, amount) => {
    expect(classifyMovement(d(previous), d(current), before)).toEqual({ kind, amount: d(amount) });
  });

  it('is nothing for a flat month or two empty months', () => {
    expect(classifyMovement(d('10'), d('10'), true)).toBeNull();
    expect(classifyMovement(d('0'), d('0'), true)).toBeNull();
  });
});

describe('mrrMovements', () => {
  it('classifies new, expansion, churn, contraction and reactivation month by month', () => {
    expect(mrrMovements(churnAndReturn, '2025-01', '2025-04').map(plain)).toEqual([
      // Nothing in 2024-12: A is new with 100.
      {
        month: '2025-01',
        opening: '0',
        new: '100',
        expansion: '0',
        contraction: '0',
        churned: '0',
        reactivated: '0',
        closing: '100',
        quickRatio: null,
        customers: { new: 1, expanded: 0, contracted: 0, churned: 0, reactivated: 0, active: 1 },
      },
      // 100 + 80 (B new, mid-month start) + 50 (A 100 → 150) = 230.
      {
        month: '2025-02',
        opening: '100',
        new: '80',
        expansion: '50',
        contraction: '0',
        churned: '0',
        reactivated: '0',
        closing: '230',
        quickRatio: null,
        customers: { new: 1, expanded: 1, contracted: 0, churned: 0, reactivated: 0, active: 2 },
      },
      // A's zero month churns its 150; B contracts 80 → 60: 230 − 150 − 20 = 60; ratio 0 / 170.
      {
        month: '2025-03',
        opening: '230',
        new: '0',
        expansion: '0',
        contraction: '20',
        churned: '150',
        reactivated: '0',
        closing: '60',
        quickRatio: '0.00',
        customers: { new: 0, expanded: 0, contracted: 1, churned: 1, reactivated: 0, active: 1 },
      },
      // A returns with 120: reactivated, not new (it had revenue before): 60 + 120 = 180.
      {
        month: '2025-04',
        opening: '60',
        new: '0',
        expansion: '0',
        contraction: '0',
        churned: '0',
        reactivated: '120',
        closing: '180',
        quickRatio: null,
        customers: { new: 0, expanded: 0, contracted: 0, churned: 0, reactivated: 1, active: 2 },
      },
    ]);
  });

  it('compares January with the December before it (year boundary)', () => {
    const rows = ledger([
      ['C', '2024-12', '30'],
      ['C', '2025-01', '45'],
      ['D', '2024-12', '10'],
    ]);
    expect(plain(mrrMovements(rows, '2025-01', '2025-01')[0])).toMatchObject({
      opening: '40',
      expansion: '15',
      churned: '10',
      closing: '45',
      quickRatio: '1.50', // 15 / 10
    });
  });

  it('keeps closing = opening + new + expansion − contraction − churned + reactivated', () => {
    for (const m of mrrMovements(churnAndReturn, '2024-12', '2025-06')) {
      const rebuilt = m.openingMrr
        .plus(m.new)
        .plus(m.expansion)
        .minus(m.contraction)
        .minus(m.churned)
        .plus(m.reactivated);
      expect(rebuilt.eq(m.closingMrr)).toBe(true);
    }
  });
});

describe('retention (trailing 12 months)', () => {
  // X grows 100 → 130, Y churns (50 → 0), Z starts after the base month and is not counted.
  const rows = ledger([
    ['X', '2025-01', '100'],
    ['X', '2026-01', '130'],
    ['Y', '2025-01', '50'],
    ['Y', '2025-06', '70'],
    ['Z', '2025-06', '40'],
    ['Z', '2026-01', '40'],
  ]);

  it('compares the base customers of M − 12 with themselves in M', () => {
    const sums = retentionSums(rows, '2026-01');
    expect(sums).toMatchObject({ baseMonth: '2025-01', baseCustomers: 2, retainedCustomers: 1 });
    expect(retentionRates(sums)).toEqual({
      nrr: '86.67', // (130 + 0) / (100 + 50) = 86.666…
      grr: '66.67', // (min(130, 100) + min(0, 50)) / 150 = 66.666…
      logoRetention: '50.00', // 1 of 2
    });
  });

  it('rounds half-up, and gives null without base customers', () => {
    // 200 010 / 200 000 = 100.005 % → 100.01 (banker's rounding would give 100.00).
    const halfway = ledger([
      ['X', '2025-01', '200000'],
      ['X', '2026-01', '200010'],
    ]);
    expect(retentionRates(retentionSums(halfway, '2026-01')).nrr).toBe('100.01');
    expect(retentionRates(retentionSums(rows, '2025-01'))).toEqual({
      nrr: null,
      grr: null,
      logoRetention: null,
    });
  });
});

describe('cohorts', () => {
  it('groups customers by their first month with MRR > 0 and follows them to the end month', () => {
    const table = cohortTable(cohortCells(churnAndReturn, '2025-01', '2025-04'), '2025-04');
    const plainTable = table.map((c) => ({
      cohort: c.cohort,
      customers: c.customers,
      startingMrr: c.startingMrr.toFixed(),
      months: c.months.map((m) => [m.offset, m.mrr.toFixed(), m.revenueRetention, m.logoRetention]),
    }));
    expect(plainTable).toEqual([
      // A: 100, 150, 0 (churned), 120 (returned): retention against the 100 of offset 0.
      {
        cohort: '2025-01',
        customers: 1,
        startingMrr: '100',
        months: [
          [0, '100', '100.00', '100.00'],
          [1, '150', '150.00', '100.00'],
          [2, '0', '0.00', '0.00'],
          [3, '120', '120.00', '100.00'],
        ],
      },
      // B: 80, 60, 60 → 75 % from the month after its mid-month start.
      {
        cohort: '2025-02',
        customers: 1,
        startingMrr: '80',
        months: [
          [0, '80', '100.00', '100.00'],
          [1, '60', '75.00', '100.00'],
          [2, '60', '75.00', '100.00'],
        ],
      },
    ]);
  });

  it('leaves out customers whose first revenue is before the range, and zero-only customers', () => {
    const rows = ledger([
      ['early', '2024-12', '10'],
      ['early', '2025-01', '10'],
      ['zero', '2025-01', '0'],
      ['late', '2025-01', '0'],
      ['late', '2025-02', '25'],
    ]);
    expect(cohortCells(rows, '2025-01', '2025-02')).toEqual([
      { cohort: '2025-02', month: '2025-02', activeCustomers: 1, mrr: new Decimal(25) },
    ]);
  });
});
