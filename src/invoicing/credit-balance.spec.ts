import { Decimal } from '../common/decimal';
import { creditBalance, unissuedLot } from './credit-balance';

const d = (value: string) => new Decimal(value);
const now = new Date('2026-03-20T00:00:00Z');
const text = (balance: ReturnType<typeof creditBalance>) =>
  Object.fromEntries(
    Object.entries(balance).map(([key, value]) => [
      key,
      Decimal.isDecimal(value) ? value.toFixed() : value,
    ]),
  );

describe('creditBalance', () => {
  it('adds the ledger, the grants not issued yet, and subtracts what upcoming invoices would use', () => {
    const balance = creditBalance({
      currency: 'USD',
      now,
      lots: [
        { currency: 'USD', amount: d('20'), consumed: d('5'), expiresAt: null },
        // expired with 3.00 left
        {
          currency: 'USD',
          amount: d('10'),
          consumed: d('7'),
          expiresAt: new Date('2026-03-01T00:00:00Z'),
        },
        { currency: 'EUR', amount: d('99'), consumed: d('0'), expiresAt: null },
        unissuedLot({
          currency: 'USD',
          amount: d('5'),
          expiresAt: new Date('2026-04-01T00:00:00Z'),
        }),
      ],
      pendingConsumptions: [
        { lot: { expiresAt: null }, amount: d('4') },
        { lot: { expiresAt: new Date('2026-04-01T00:00:00Z') }, amount: d('5') },
        // taken from the expired lot for an interval it covered: already outside `available`
        { lot: { expiresAt: new Date('2026-03-01T00:00:00Z') }, amount: d('3') },
      ],
    });
    // granted 20 + 10 + 5; available 15 + 5; balance 20 − (4 + 5)
    expect(text(balance)).toEqual({
      currency: 'USD',
      granted: '35',
      consumed: '12',
      expired: '3',
      available: '20',
      pendingUsage: '9',
      balance: '11',
    });
  });

  it('is all zeros without lots in the currency', () => {
    expect(
      text(creditBalance({ currency: 'JPY', now, lots: [], pendingConsumptions: [] })),
    ).toEqual({
      currency: 'JPY',
      granted: '0',
      consumed: '0',
      expired: '0',
      available: '0',
      pendingUsage: '0',
      balance: '0',
    });
  });
});
