import { Decimal } from '../common/decimal';
import { NewGrantLot } from '../credits/grant-lots';
import { CreditSnapshot } from './credit-sources';
import { BillingContext } from './invoice-builder.service';
import { CreditLot } from '../credits/credit-lot';
import { grantLotKey } from '../credits/credit-ledger.repository';

const d = (value: string) => new Decimal(value);
const march = new Date('2026-03-01T00:00:00Z');
const april = new Date('2026-04-01T00:00:00Z');
const context = {} as BillingContext;

function grant(overrides: Partial<NewGrantLot> = {}): NewGrantLot {
  return {
    customerId: 'cus-1',
    subscriptionId: 'sub-1',
    planCreditGrantId: 'grant-1',
    name: 'Monthly credit',
    currency: 'USD',
    amount: d('10'),
    appliesTo: ['item-1'],
    validFrom: march,
    expiresAt: april,
    ...overrides,
  };
}

const topUp: CreditLot = {
  id: 'lot-1',
  name: 'Prepaid credit',
  remaining: d('20'),
  appliesTo: null,
  validFrom: march,
  expiresAt: null,
};

describe('CreditSnapshot', () => {
  it('adds the grant lots the ledger does not hold yet, once', async () => {
    const issued = grant({ planCreditGrantId: 'grant-2' });
    const snapshot = new CreditSnapshot([topUp], new Set([grantLotKey(issued)]));
    const lots = await snapshot.lots(null!, context, [grant(), issued]);
    expect(lots.map((lot) => [lot.id, lot.remaining.toFixed()])).toEqual([
      ['lot-1', '20'],
      [`pending:${grantLotKey(grant())}`, '10'],
    ]);
    expect(lots[1]).toMatchObject({
      appliesTo: new Set(['item-1']),
      validFrom: march,
      expiresAt: april,
    });
    await snapshot.lots(null!, context, [grant()]);
    expect(snapshot.pendingGrants).toEqual([grant()]);
  });

  it('takes what one preview consumed before the next one draws, and never touches the lots it was given', async () => {
    const snapshot = new CreditSnapshot([topUp], new Set());
    const [lot] = await snapshot.lots(null!, context, []);
    const spent = snapshot.spend([{ lotId: 'lot-1', amount: d('20') }]);
    expect(spent).toEqual([{ lot, amount: d('20') }]);
    expect(await snapshot.lots(null!, context, [])).toEqual([]);
    expect(topUp.remaining.toFixed()).toBe('20');
    expect(() => snapshot.spend([{ lotId: 'unknown', amount: d('1') }])).toThrow(/does not hold/);
  });
});
