import { Decimal } from '../common/decimal';
import { creditPaysOverage } from './credit-pays-overage';

const credit = (balance: string, prepaidUnits: string) => ({
  currency: 'USD',
  balance: new Decimal(balance),
  prepaidUnits: new Decimal(prepaidUnits),
});

describe('creditPaysOverage', () => {
  it('pays with credit left, with prepaid block units left, or with both', () => {
    expect(creditPaysOverage(credit('0.01', '0'))).toBe(true);
    expect(creditPaysOverage(credit('0', '1'))).toBe(true);
    expect(creditPaysOverage(credit('0', '0.5'))).toBe(true);
    expect(creditPaysOverage(credit('10.00', '1000000'))).toBe(true);
  });

  it('does not pay with nothing left, or with no credit at all for the meter', () => {
    expect(creditPaysOverage(credit('0', '0'))).toBe(false);
    expect(creditPaysOverage(null)).toBe(false);
    expect(creditPaysOverage(undefined)).toBe(false);
  });
});
