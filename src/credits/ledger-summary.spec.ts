import { Decimal } from '../common/decimal';
import { LotBalance, ledgerTotals, lotStatus } from './ledger-summary';

const NOW = new Date('2026-03-15T12:00:00Z');

function lot(
  overrides: Partial<Omit<LotBalance, 'amount' | 'consumed'>> & {
    amount?: string;
    consumed?: string;
  } = {},
): LotBalance {
  return {
    currency: overrides.currency ?? 'USD',
    amount: new Decimal(overrides.amount ?? '50'),
    consumed: new Decimal(overrides.consumed ?? '0'),
    expiresAt: overrides.expiresAt ?? null,
  };
}

describe('lotStatus', () => {
  it('is active while credit is left and the lot has not expired', () => {
    expect(lotStatus(lot({ consumed: '49.99' }), NOW)).toBe('active');
    expect(lotStatus(lot({ expiresAt: new Date('2026-03-15T12:00:01Z') }), NOW)).toBe('active');
  });

  it('is expired from expiresAt on', () => {
    expect(lotStatus(lot({ expiresAt: NOW }), NOW)).toBe('expired');
  });

  it('is used once consumed in full, expired or not', () => {
    expect(lotStatus(lot({ consumed: '50' }), NOW)).toBe('used');
    expect(
      lotStatus(lot({ consumed: '50', expiresAt: new Date('2026-03-01T00:00:00Z') }), NOW),
    ).toBe('used');
  });
});

describe('ledgerTotals', () => {
  it('adds up per currency: granted = consumed + expired + available', () => {
    const totals = ledgerTotals(
      [
        lot({ amount: '50.00', consumed: '12.50' }), // active: 37.50 left
        lot({ amount: '10.00', consumed: '4.00', expiresAt: new Date('2026-03-01T00:00:00Z') }), // 6.00 expired
        lot({ amount: '20.00', consumed: '20.00' }), // used
        lot({ currency: 'EUR', amount: '5' }),
      ],
      NOW,
    );
    expect(
      totals.map((t) => [t.currency, t.granted, t.consumed, t.expired, t.available].map(String)),
    ).toEqual([
      ['EUR', '5', '0', '0', '5'],
      ['USD', '80', '36.5', '6', '37.5'],
    ]);
  });

  it('is empty without lots', () => {
    expect(ledgerTotals([], NOW)).toEqual([]);
  });
});

describe('ledgerTotals with rolled-over credit', () => {
  it('counts credit rolled over once: the source keeps none of it, the rollover lot is not granted again', () => {
    const march = new Date('2026-03-01T00:00:00Z');
    const totals = ledgerTotals(
      [
        // granted 10.00, 2.00 used, 5.00 rolled over (the cap), 3.00 expired
        { ...lot({ amount: '10', consumed: '2', expiresAt: march }), rolledOver: new Decimal(5) },
        // the rollover lot: 5.00, 1.00 used, 4.00 available
        { ...lot({ amount: '5', consumed: '1' }), rolledOverFrom: 'lot-1' },
      ],
      NOW,
    );
    expect(totals.map((t) => [t.granted, t.consumed, t.expired, t.available].map(String))).toEqual([
      ['10', '3', '3', '4'],
    ]);
  });

  it('is used once consumed and rolled over in full', () => {
    expect(
      lotStatus({ ...lot({ amount: '10', consumed: '4' }), rolledOver: new Decimal(6) }, NOW),
    ).toBe('used');
  });
});
